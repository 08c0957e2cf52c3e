"""What a word can be in a key phrase, without a tagger: which parts of speech lemminflect's
lexicon lists for it and how common wordfreq says it is in general English, read from
``lexicon.parquet`` (built from both by ``build_lexicon``).

A tagger reading every abstract costs far more than key phrases may (a few CPU-seconds per
20,000 papers); a word's possible parts of speech plus a little context (``VERB_CONTEXT``) get
noun phrases close enough, at the cost of one join of a batch's distinct tokens.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import polars as pl


def _words(name: str) -> frozenset[str]:
    text = files(__package__).joinpath(name).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() for w in line.split("#")[0].split())


FUNCTION_WORDS = _words("function_words.txt")
GENERIC_WORDS = _words("generic_words.txt")
# a noun-or-verb word after these is the verb ("to capture", "we conduct", "it drifts")
VERB_CONTEXT = frozenset(
    {"to", "we", "they", "can", "may", "will", "could", "would", "should", "must", "it"}
    | {"which", "that", "also", "not", "cannot", "often"}
)
# wordfreq's Zipf scale: 3.5 is a word seen about three times in a million
COMMON_ZIPF = 3.5
# the zipf given to punctuation, numbers and function words: as common as words get
BREAK_ZIPF = 7.0


@cache
def lexicon() -> pl.DataFrame:
    """Columns w, noun, adj, verb, known (lemminflect lists the word), zipf."""
    with files(__package__).joinpath("lexicon.parquet").open("rb") as f:
        return pl.read_parquet(f)


def token_table(tokens: pl.Series) -> pl.DataFrame:
    """Each distinct token of ``tokens`` (as written) classed: columns tok, w (lowercase), kind
    (S ends a phrase; A may start or sit inside one, never end it; N may end one), zipf (of its
    last hyphen part), verbish (can be a verb).

    Per distinct token, not per occurrence: a corpus repeats its words."""
    lex = lexicon()
    table = (
        tokens.unique()
        .drop_nulls()
        .to_frame("tok")
        .with_columns(pl.col("tok").str.to_lowercase().alias("w"))
        .with_columns(pl.col("w").str.split("-").list.last().alias("_last"))
        .join(lex, on="w", how="left")
        .join(
            lex.select("w", pl.col("zipf").alias("_zlast")),
            left_on="_last",
            right_on="w",
            how="left",
        )
    )
    w, last = pl.col("w"), pl.col("_last")
    zipf = pl.col("_zlast").cast(pl.Float64).fill_null(0.0)
    known = pl.col("known").fill_null(False)
    stop = w.is_in(list(FUNCTION_WORDS)) | (w.str.len_chars() < 2) | ~w.str.contains("^[a-z]")
    hyphen = w.str.contains("-", literal=True)
    kind = (
        pl.when(stop)
        .then(pl.lit("S"))
        .when(hyphen | ~known)
        .then(
            pl.when(last == "")
            .then(pl.lit("S"))
            # a participle modifies ("pretrained", "LLM-based", "entropy-guided"): it ends no phrase
            .when(last.str.ends_with("ed") & (last.str.len_chars() > 4))
            .then(pl.lit("A"))
            .when(hyphen)
            .then(pl.lit("N"))
            # out of the lexicon: a common word is a function word or an adverb, a rare one a name
            .when((zipf >= COMMON_ZIPF) | w.str.ends_with("ly"))
            .then(pl.lit("S"))
            .otherwise(pl.lit("N"))
        )
        .when(pl.col("noun"))
        .then(pl.lit("N"))
        .when(pl.col("adj"))
        .then(pl.lit("A"))
        # "decoding", "merging": a verb form that names a method after a modifier
        .when(w.str.ends_with("ing"))
        .then(pl.lit("G"))
        .otherwise(pl.lit("S"))
    )
    return table.select(
        "tok",
        "w",
        kind.alias("kind"),
        pl.when(stop).then(pl.lit(BREAK_ZIPF)).otherwise(zipf).alias("zipf"),
        (~stop & ~hyphen & known & pl.col("verb")).alias("verbish"),
    )
