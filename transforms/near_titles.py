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

import re
import unicodedata
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

_NOT_WORD = re.compile(r"[\W_]+")

# title-only papers: title_key, title, lo, hi (the days listed); id-bearing ones: paper_id, ...
SIDE_SCHEMA = {"title": pl.String, "lo": pl.Date, "hi": pl.Date}
MATCH_SCHEMA = {"title_key": pl.String, "paper_id": pl.String, "score": pl.Float64}


def title_words(title: str) -> str:
    """Lowercase words of ``title``, accents and punctuation dropped, one space between."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title).casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", s).split())


def _sides(title: str) -> list[str]:
    """The word forms of each side of ``title``'s first colon (none without one)."""
    head, colon, tail = title.partition(":")
    if not colon:
        return []
    return [s for s in (title_words(head), title_words(tail)) if len(s.split()) >= SIDE_MIN_WORDS]


def similarity(a: str, b: str) -> float:
    """How close two titles are, out of 100, by the module's rules (0 when no rule holds)."""
    from rapidfuzz import fuzz

    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return 0.0
    best = float(fuzz.ratio(wa, wb))
    best = best if best >= RATIO_MIN else 0.0
    short, long = sorted((wa, wb), key=len)
    n_short, n_long = len(short.split()), len(long.split())
    if (
        long.startswith(short + " ")
        and n_short >= PREFIX_MIN_WORDS
        and n_short >= PREFIX_MIN_SHARE * n_long
    ):
        best = max(best, PREFIX_SCORE)
    if wa in _sides(b) or wb in _sides(a):
        best = max(best, SIDE_SCORE)
    return best


def scored_pairs(title_only: pl.DataFrame, id_bearing: pl.DataFrame) -> pl.DataFrame:
    """Every pair listed within the window of each other, scored as ``similarity`` scores it,
    in bulk: rapidfuzz over the pairs' word forms, the cut and side rules as column tests."""
    from rapidfuzz import fuzz, process

    window = timedelta(days=WINDOW_DAYS)

    def forms(df: pl.DataFrame, suffix: str) -> pl.DataFrame:
        words = pl.col("title").map_elements(title_words, return_dtype=pl.String)
        sides = pl.col("title").map_elements(_sides, return_dtype=pl.List(pl.String))
        return df.with_columns(words.alias("_w"), sides.alias("_s")).rename(
            {c: f"{c}{suffix}" for c in ("title", "lo", "hi", "_w", "_s")}
        )

    pairs = forms(title_only, "").join_where(
        forms(id_bearing, "_b"),
        pl.col("lo_b") <= pl.col("hi") + window,
        pl.col("hi_b") >= pl.col("lo") - window,
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
