"""Key phrases: RAKE-style 2-3 word windows of content-word runs, scored by word
degree/frequency within the paper (corpus statistics, what is rising, are the views')."""

from __future__ import annotations

import re
from importlib.resources import files

import polars as pl


def _words(name: str) -> frozenset[str]:
    text = files(__package__).joinpath(name).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.split("#")[0].strip()))


STOP_WORDS = _words("stopwords.txt")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")
# "pre-training", "pre training" and "pretraining" are one term, as are fine-tuning & co.
# (the next letter is consumed and put back, not looked ahead at: Rust's regex has no lookahead,
# and the vectorized form below must split the very same way)
JOINED_PATTERN = r"\b(pre|post|fine|self|multi|cross|semi|zero|few|re|co|non)[\s\-]+([a-z])"
JOINED = re.compile(JOINED_PATTERN)
BREAK_CHARS = r".;:!?,()\[\]\""
# a paper keeps its best phrases only: enough for rising terms, bounded for years of history
TERMS_PER_PAPER = 12


def normalize_term_text(text: str) -> str:
    return JOINED.sub(r"\1\2", text.lower())


def terms_frame(papers: pl.DataFrame, limit: int = TERMS_PER_PAPER) -> pl.DataFrame:
    """RAKE-style key phrases of many papers at once: columns paper_id, term, score.

    Tokens of every paper in one long frame: a break (stop word, short word, punctuation) ends
    a run; each run's 2- and 3-word windows are scored by the mean degree/frequency of their
    words within the paper.
    """
    text = (
        pl.concat_str(
            [pl.col("title").fill_null(""), pl.col("abstract").fill_null("")], separator=". "
        )
        .str.to_lowercase()
        .str.replace_all(JOINED_PATTERN, "${1}${2}")
    )
    tok = pl.col("tok")
    # a word starts with a letter and punctuation is one character, so both kinds of break
    # are caught by length and the stop list
    brk = tok.str.len_bytes().lt(3) | tok.is_in(list(STOP_WORDS))
    # rows stay in paper and text order, so a run is a stretch between breaks (or paper starts)
    # and its next words are plain shifts: no per-group windows over millions of tokens. Papers
    # are numbered (``_p``): their ids join back at the end, not carried through every token
    words = (
        papers.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_p"),
            text.str.extract_all(f"{WORD.pattern}|[{BREAK_CHARS}]").alias("tok"),
        )
        .explode("tok")
        .drop_nulls("tok")
        .with_columns(brk.alias("_brk"))
        .with_columns(
            (pl.col("_brk") | (pl.col("_p") != pl.col("_p").shift(1, fill_value=-1)))
            .cum_sum()
            .alias("_run")
        )
        .filter(~pl.col("_brk"))
        .drop("_brk")
    )
    words = words.with_columns(pl.len().over("_run").alias("_len")).with_columns(
        (pl.col("_len").clip(upper_bound=3).sum() / pl.len()).over("_p", "tok").alias("_r")
    )

    def ahead(k: int, column: str) -> pl.Expr:
        same = pl.col("_run").shift(-k) == pl.col("_run")
        return pl.when(same).then(pl.col(column).shift(-k))

    win = words.select(
        "_p",
        "_len",
        "tok",
        "_r",
        ahead(1, "tok").alias("tok1"),
        ahead(1, "_r").alias("_r1"),
        ahead(2, "tok").alias("tok2"),
        ahead(2, "_r").alias("_r2"),
    )
    cols = ["_p", "tok", "tok1", "tok2", "score"]
    none = pl.lit(None, dtype=pl.String)
    candidates = pl.concat(
        [
            win.filter(pl.col("_len") == 1)
            .with_columns(none.alias("tok1"), none.alias("tok2"), pl.col("_r").alias("score"))
            .select(cols),
            win.filter(pl.col("tok1").is_not_null())
            .with_columns(none.alias("tok2"), ((pl.col("_r") + pl.col("_r1")) / 2).alias("score"))
            .select(cols),
            win.filter(pl.col("tok2").is_not_null())
            .with_columns(((pl.col("_r") + pl.col("_r1") + pl.col("_r2")) / 3).alias("score"))
            .select(cols),
        ]
    )
    # a phrase scores the same wherever it occurs, so the best `limit` distinct phrases lie
    # within the best `limit` distinct scores: cut there before building any strings
    best = candidates.filter(
        pl.col("score").rank("dense", descending=True).over("_p") <= limit
    ).with_columns(
        pl.concat_str(["tok", "tok1", "tok2"], separator=" ", ignore_nulls=True).alias("term")
    )
    top = (
        best.unique(["_p", "term"])
        .sort(["_p", "score", "term"], descending=[False, True, False])
        .group_by("_p", maintain_order=True)
        .head(limit)
    )
    return top.select(
        papers["paper_id"].gather(top["_p"]).alias("paper_id"), "term", pl.col("score").round(3)
    )
