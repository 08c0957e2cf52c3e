"""Titles that almost match: a title-only paper (a newsletter's, a page's) meets the paper with
an arXiv id whose title drifted from it (a word changed, a subtitle dropped, a colon moved, a
title cut at a hard line break).

A title-only paper merges into an id-bearing one when exactly one id-bearing paper listed
within ``WINDOW_DAYS`` of it is close enough by one of these rules (scores out of 100):

- ``ratio``: rapidfuzz's edit-distance ratio of the word forms is at least ``RATIO_MIN``;
- ``prefix``: one title is the other cut after at least ``PREFIX_MIN_WORDS`` words, keeping
  at least ``PREFIX_MIN_SHARE`` of them (a line-broken title's first line);
- ``colon``: one title is one side of the other's colon, of at least ``SIDE_MIN_WORDS`` words.

Two candidates close enough is ambiguity, not a merge; two arXiv ids never merge (only title
keys are ever retired). The thresholds come from ``python -m bench merges`` (bench/RESULTS.md).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

WINDOW_DAYS = 14
RATIO_MIN = 95.0
PREFIX_MIN_WORDS = 5
PREFIX_MIN_SHARE = 0.3
SIDE_MIN_WORDS = 3
# what each rule scores: a cut or a dropped side is as sure as a ratio of this
PREFIX_SCORE = 95.0
SIDE_SCORE = 92.0


# title-only papers: title_key, title, lo, hi (the days listed); id-bearing ones: paper_id, ...
SIDE_SCHEMA = {"title": pl.String, "lo": pl.Date, "hi": pl.Date}
MATCH_SCHEMA = {"title_key": pl.String, "paper_id": pl.String, "score": pl.Float64}


def word_form(expr: pl.Expr) -> pl.Expr:
    """Lowercase words of each title, accents and punctuation dropped, one space between."""
    folded = expr.str.normalize("NFKC").str.to_lowercase().str.normalize("NFKD")
    return (
        folded.str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars(" ")
    )


def _side_forms(expr: pl.Expr) -> pl.Expr:
    """The word forms of each side of each title's first colon, of at least ``SIDE_MIN_WORDS``
    words (an empty list without a colon)."""
    parts = expr.str.splitn(":", 2)
    has = expr.str.contains(":", literal=True)
    sides = [word_form(parts.struct.field(f)) for f in ("field_0", "field_1")]
    enough = [(s.str.count_matches(" ") + 1 >= SIDE_MIN_WORDS) & (s != "") & has for s in sides]
    return pl.concat_list(
        [pl.when(ok).then(side) for side, ok in zip(sides, enough, strict=True)]
    ).list.drop_nulls()


def _blocked(title_only: pl.DataFrame, id_bearing: pl.DataFrame) -> pl.DataFrame:
    """Candidate pairs by an equi-join on blocking keys (columns title_key, title, lo, hi,
    paper_id, title_b, lo_b, hi_b): two of the first three words of a title, and of the part
    after its first colon. A pair that meets a rule shares one: a cut keeps the first words, a
    changed word leaves two of the three, a dropped side is the other's side."""

    def keys(expr: pl.Expr) -> pl.Expr:
        folded = expr.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
        words = folded.str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars().str.split(" ")
        w1, w2, w3 = (words.list.get(i, null_on_oob=True) for i in range(3))
        one = pl.when(words.list.len() == 1).then(w1)
        return pl.concat_list(
            pl.concat_str(w1, w2, separator=" "),
            pl.concat_str(w2, w3, separator=" "),
            pl.concat_str(w1, w3, separator=" "),
            one,
        )

    def keyed(df: pl.DataFrame) -> pl.DataFrame:
        tail = pl.col("title").str.splitn(":", 2).struct.field("field_1")
        return (
            df.with_columns(pl.concat_list(keys(pl.col("title")), keys(tail)).alias("_key"))
            .explode("_key")
            .filter(pl.col("_key").is_not_null() & (pl.col("_key") != ""))
            .unique()
        )

    b = keyed(id_bearing).rename({"title": "title_b", "lo": "lo_b", "hi": "hi_b"})
    return keyed(title_only).join(b, on="_key").drop("_key").unique()


def scored_pairs(title_only: pl.DataFrame, id_bearing: pl.DataFrame) -> pl.DataFrame:
    """Every pair listed within the window of each other, scored by the module's rules in bulk:
    rapidfuzz over the pairs' word forms, the cut and side rules as column tests (tested equal
    to a per-pair reference, ``tests/transforms/near_titles_reference.py``)."""
    from rapidfuzz import fuzz, process

    window = timedelta(days=WINDOW_DAYS)

    def forms(df: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return df.with_columns(
            word_form(pl.col("title")).alias("_w"), _side_forms(pl.col("title")).alias("_s")
        ).rename({c: f"{c}{suffix}" for c in ("title", "lo", "hi", "_w", "_s")})

    # scored: only the pairs that can meet a rule (``_blocked``), listed within the window
    near = _blocked(title_only, id_bearing).filter(
        (pl.col("lo_b") <= pl.col("hi") + window) & (pl.col("hi_b") >= pl.col("lo") - window)
    )
    a = title_only.join(near.select("title_key").unique(), on="title_key", how="semi")
    b = id_bearing.join(
        near.select("paper_id", pl.col("title_b").alias("title")).unique(),
        on=["paper_id", "title"],
        how="semi",
    )
    pairs = (
        forms(a, "")
        .join(near.select("title_key", "paper_id", "title_b").unique(), on="title_key")
        .join(forms(b, "_b"), on=["paper_id", "title_b"])
    )
    if pairs.is_empty():
        return pairs.with_columns(pl.lit(0.0).alias("score"))
    ratio = process.cpdist(
        pairs["_w"].to_list(), pairs["_w_b"].to_list(), scorer=fuzz.ratio, workers=-1
    )
    wa, wb = pl.col("_w"), pl.col("_w_b")
    longer = wb.str.len_chars() >= wa.str.len_chars()
    short = pl.when(longer).then(wa).otherwise(wb)
    long = pl.when(longer).then(wb).otherwise(wa)
    n_short = short.str.count_matches(" ") + 1
    n_long = long.str.count_matches(" ") + 1
    cut = (
        long.str.starts_with(short + " ")
        & (n_short >= PREFIX_MIN_WORDS)
        & (n_short >= PREFIX_MIN_SHARE * n_long)
    )
    side = pl.col("_s_b").list.contains(wa) | pl.col("_s").list.contains(wb)
    some = (wa != "") & (wb != "")
    r = pl.Series("ratio", ratio, dtype=pl.Float64)
    return (
        pairs.with_columns(r)
        .with_columns(
            pl.max_horizontal(
                pl.when(pl.col("ratio") >= RATIO_MIN).then(pl.col("ratio")).otherwise(0.0),
                pl.when(cut).then(PREFIX_SCORE).otherwise(0.0),
                pl.when(side).then(SIDE_SCORE).otherwise(0.0),
            )
            .fill_null(0.0)
            .alias("score")
        )
        .with_columns(pl.when(some).then(pl.col("score")).otherwise(0.0).alias("score"))
    )


def near_matches(title_only: pl.DataFrame, id_bearing: pl.DataFrame) -> pl.DataFrame:
    """For each title-only paper (title_key, title, lo, hi) the one id-bearing paper (paper_id,
    title, lo, hi; one row per title it went by) close enough to merge into: columns
    title_key, paper_id, score. Title keys with no candidate, or two, are left out."""
    if title_only.is_empty() or id_bearing.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    scored = scored_pairs(title_only, id_bearing).filter(pl.col("score") > 0)
    best = scored.group_by("title_key", "paper_id").agg(pl.col("score").max())
    unique = best.group_by("title_key").agg(
        pl.len().alias("_n"), pl.col("paper_id").first(), pl.col("score").first()
    )
    return (
        unique.filter(pl.col("_n") == 1)
        .select("title_key", "paper_id", pl.col("score").round(1))
        .sort("title_key")
    )
