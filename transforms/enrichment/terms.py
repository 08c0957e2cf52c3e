"""Key phrases: the noun phrases of a paper's title and abstract, ranked by how much they look
like the phrases a researcher would pick.

Candidates are runs of words that can be nouns or modifiers (``lexicon``), trimmed so they
neither start nor end on research boilerplate, cut to their last 3 words (and, from longer
runs, their last 2). Each is scored by a logistic model over what sets key phrases apart: how
often the paper repeats it, whether an acronym follows it in parentheses, whether it is written
as a name, how rare its words are in general English. The weights are fitted against Hugging
Face's own ``ai_keywords`` by ``python -m bench terms --fit`` (cross-validated across years,
figures in bench/RESULTS.md). Every result is per paper: a paper's terms never depend on the
papers beside it (corpus statistics, what is rising, are the views').
"""

from __future__ import annotations

import re

import polars as pl

from transforms.enrichment.lexicon import GENERIC_WORDS, VERB_CONTEXT, token_table

TOKEN = r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*|[0-9][A-Za-z0-9.]*|[^\sA-Za-z0-9]"
# links are not phrases ("github.io/recammaster"): each becomes a break
URL = r"(?i)https?://\S+|\S+\.(?:com|io|org|net|ai)\b(?:/\S*)?"
# "pre-training", "pre training" and "pretraining" are one term, as are fine-tuning & co.
# (the next letter is consumed and put back, not looked ahead at: Rust's regex has no lookahead)
JOINED_PATTERN = r"(?i)\b(pre|post|fine|self|multi|cross|semi|zero|few|re|co|non)[\s\-]+([a-z])"
JOINED = re.compile(JOINED_PATTERN)
# "GIA", "LLMs", "Qwen2", "ReCamMaster": written as a name
ACRONYM = r"^(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Za-z]+[0-9][A-Za-z0-9]*)s?$"
# a paper keeps its best phrases only: the yardstick's precision falls and its recall rises
# with every phrase past this
TERMS_PER_PAPER = 10
METHOD_EXTRACTED = "extracted"
METHOD_SOURCE = "ai_keywords"
METHOD_BOTH = "both"
# "Classifier-Free Guidance (CFG)" is the term "classifier-free guidance"
_KEYWORD_ACRONYM = r"\s*\([^()]*\)\s*$"

# logistic weights of the phrase features (``_features``), from ``python -m bench terms --fit``
WEIGHTS: dict[str, float] = {
    "bias": -1.28,
    "one_word": -0.47,
    "three_words": -0.34,
    "log_tf": 1.26,
    "in_title": -0.27,
    "acronym": -0.49,
    "before_paren": 0.86,
    "zipf_max": -0.49,
    "zipf_min": -0.48,
    "first_at": 0.42,
    "capitalized": 0.81,
    "long_run": -0.13,
    "one_common_word": 0.17,
    "one_word_log_tf": -0.52,
    "verbish": -0.07,
    "in_paren": -0.36,
    "one_acronym": 0.45,
    "tail_of_run": 0.01,
}


def normalize_term_text(text: str) -> str:
    return JOINED.sub(r"\1\2", text.lower())


# a cheap test for texts that may hold a link: only those pay for ``URL``
URL_HINT = r"(?i)://|www\.|\.(?:com|io|org|net|ai)\b"
S, A, N, G = 0, 1, 2, 3
_KIND_CODES = {"S": S, "A": A, "N": N, "G": G}


def _cleaned(texts: pl.Series) -> pl.Series:
    """``texts`` with links as breaks and pre-/fine-/multi- words joined."""
    linked = texts.str.contains(URL_HINT).arg_true()
    if len(linked):
        texts = texts.scatter(linked, texts.gather(linked).str.replace_all(URL, " . "))
    return texts.str.replace_all(JOINED_PATTERN, "${1}${2}")


def _words_and_tokens(papers: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame]:
    """(the distinct lowercase words, sorted, so a word's number is its alphabetical rank;
    one row per token in paper and text order: _p (the paper's row number), pos, kind, the
    flags its neighbours set, _row (its row in the third: the distinct tokens' word number,
    zipf and shape flags)).

    Tokens become numbers once, by their distinct forms: the scans after carry no strings."""
    texts = papers.select(
        pl.concat_str(
            [pl.col("title").fill_null(""), pl.lit(" . "), pl.col("abstract").fill_null("")]
        ).alias("text"),
        pl.col("title").fill_null(""),
    )
    per_paper = pl.DataFrame(
        {
            "_p": pl.int_range(papers.height, dtype=pl.UInt32, eager=True),
            "tok": _cleaned(texts["text"]).str.extract_all(TOKEN),
            "_tl": _cleaned(texts["title"]).str.count_matches(TOKEN),
        }
    ).with_columns(pl.col("tok").list.len().alias("_ntok"))
    toks = (
        per_paper.with_columns(pl.int_ranges(0, pl.col("_ntok"), dtype=pl.UInt32).alias("pos"))
        .explode("tok", "pos")
        .drop_nulls("tok")
    )
    table = token_table(toks["tok"])
    words = table["w"].unique().sort()
    w = pl.col("w")
    table = table.join(words.to_frame().with_row_index("wid"), on="w", how="left").select(
        "tok",
        "wid",
        pl.col("kind").replace_strict(_KIND_CODES, return_dtype=pl.UInt8),
        "zipf",
        # the flags the neighbour rules read, one byte for the pass over every token
        (
            pl.col("verbish").cast(pl.UInt8)
            + w.is_in(list(VERB_CONTEXT)).cast(pl.UInt8) * 2
            + w.str.ends_with("s").cast(pl.UInt8) * 4
            + (pl.col("tok") == "(").cast(pl.UInt8) * 8
        ).alias("_bits"),
        pl.col("verbish"),
        pl.col("tok").str.contains(ACRONYM).alias("acr"),
        pl.col("tok").str.contains("^[A-Z]").alias("cap"),
        w.is_in(list(GENERIC_WORDS)).alias("generic"),
    )
    row = toks["tok"].replace_strict(
        table["tok"], pl.int_range(table.height, dtype=pl.UInt32, eager=True)
    )
    toks = toks.drop("tok").with_columns(
        row.alias("_row"), table["kind"].gather(row), table["_bits"].gather(row)
    )
    bits = pl.col("_bits")

    def flag(bit: int, shift: int = 0) -> pl.Expr:
        col = bits.shift(shift) if shift else bits
        return (col & (1 << bit)) > 0  # bit 0 verbish, 1 verb context, 2 plural, 3 "("

    # rows are in paper and text order: a neighbour is a shift, unless it is another paper's
    same_before = pl.col("pos") > 0
    same_after = pl.col("pos").shift(-1) > 0
    kind, before = pl.col("kind"), pl.col("kind").shift(1)
    # a gerund names a thing after a modifier or a singular noun ("speculative decoding",
    # "model merging"), not after a plural one ("models achieving") nor on its own
    after_modifier = same_before & ((before == A) | ((before == N) & ~flag(2, 1)))
    s_, n_ = pl.lit(S, dtype=pl.UInt8), pl.lit(N, dtype=pl.UInt8)
    toks = toks.with_columns(
        pl.when(flag(0) & same_before & flag(1, 1))
        .then(s_)
        .when(kind == G)
        .then(pl.when(after_modifier).then(n_).otherwise(s_))
        .otherwise(kind)
        .alias("kind"),
        (same_before & flag(3, 1)).fill_null(False).alias("_inparen"),
        (same_after & flag(3, -1)).fill_null(False).alias("_paren"),
    )
    return words, toks, table.drop("tok", "kind", "_bits")


def _changes(column: pl.Expr, by: int) -> pl.Expr:
    """Does the row before (``by`` 1) or after (-1) hold another value (or none)?"""
    return (column != column.shift(by)).fill_null(True)


def _spans(toks: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """The tokens of each run of phrase words, trimmed to start on a word that is not generic
    and end on a noun that is not: _run numbers the runs, rows keep text order.

    By scans over the whole frame (cumulative sums filled across each run), not per-run
    windows: a corpus has millions of runs. The distinct tokens' columns join the rows kept."""
    brk = pl.col("kind") == S
    toks = toks.with_columns((brk | (pl.col("pos") == 0)).cum_sum().alias("_run")).filter(~brk)
    row = toks["_row"]
    toks = pl.concat(
        [toks.drop("_row", "_bits"), table.select(pl.all().gather(row))], how="horizontal"
    )
    run = pl.col("_run")
    first, last = _changes(run, 1), _changes(run, -1)
    generic = pl.col("generic")
    ends = ((pl.col("kind") == N) & ~generic).cast(pl.UInt32)
    starts = (~generic).cast(pl.UInt32)
    # ends at or after a row within its run = ends at or after it anywhere - ends after the run
    ends_on = ends.cum_sum(reverse=True)
    after_run = pl.when(last).then(ends_on.shift(-1, fill_value=0)).backward_fill()
    starts_by = starts.cum_sum()
    before_run = pl.when(first).then(starts_by.shift(1, fill_value=0)).forward_fill()
    return toks.filter((ends_on - after_run > 0) & (starts_by - before_run > 0))


def _candidates(papers: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """(the words, every candidate phrase of every paper: columns _p, w0 (its last word's
    number), w1 and w2 (the words before, null past its start), one column per ``WEIGHTS``
    key)."""
    words, toks, table = _words_and_tokens(papers)
    spans = _spans(toks, table).with_row_index("_i")
    run = pl.col("_run")
    first_i = pl.when(_changes(run, 1)).then(pl.col("_i")).forward_fill()
    spans = spans.with_columns((pl.col("_i") - first_i + 1).alias("_len"))
    fields = ("wid", "zipf", "verbish", "acr", "cap", "pos", "_inparen")
    # a phrase sits at its span's last word; its words before are shifts within the span
    anchors = spans.with_columns(
        pl.when(pl.col("_len") > k).then(pl.col(f).shift(k)).alias(f"{f}{k}")
        for k in (1, 2)
        for f in fields
    ).filter(_changes(run, -1))
    anchors = anchors.rename({f: f"{f}0" for f in fields})
    none = pl.lit(None, dtype=pl.UInt32)

    def phrase(n: int) -> list[pl.Expr]:
        ks = range(n)
        lead = n - 1
        return [
            *(pl.col(f"wid{k}").alias(f"w{k}") if k < n else none.alias(f"w{k}") for k in range(3)),
            pl.lit(n, dtype=pl.Int32).alias("_n"),
            pl.min_horizontal(pl.col(f"zipf{k}") for k in ks).alias("_zmin"),
            pl.max_horizontal(pl.col(f"zipf{k}") for k in ks).alias("_zmax"),
            pl.any_horizontal(pl.col(f"verbish{k}") for k in ks).alias("_vb"),
            pl.any_horizontal(pl.col(f"acr{k}") for k in ks).alias("_acr"),
            (
                pl.all_horizontal(pl.col(f"cap{k}") for k in ks)
                & (pl.col(f"pos{lead}") >= pl.col("_tl"))
            ).alias("_cap"),
            (pl.col(f"pos{lead}") < pl.col("_tl")).alias("_title"),
            pl.col(f"_inparen{lead}").alias("_inparen"),
            (pl.col(f"pos{lead}") / pl.col("_ntok")).alias("_first"),
        ]

    common: list[pl.Expr] = [pl.col("_p"), pl.col("_paren"), (pl.col("_len") > 3).alias("_long")]
    whole = [
        anchors.filter(pl.col("_len") == n).select(
            *common, *phrase(n), pl.lit(0, dtype=pl.Int32).alias("_sub")
        )
        for n in (1, 2)
    ]
    longer = anchors.filter(pl.col("_len") >= 3)
    occurrences = pl.concat(
        [
            *whole,
            longer.select(*common, *phrase(3), pl.lit(0, dtype=pl.Int32).alias("_sub")),
            # runs of 3 or more words also give their last 2 ("text-to-image diffusion models"
            # gives "diffusion models")
            longer.select(*common, *phrase(2), pl.lit(1, dtype=pl.Int32).alias("_sub")),
        ]
    )
    per_term = occurrences.group_by("_p", "w0", "w1", "w2").agg(
        pl.len().alias("_tf"),
        pl.col("_n", "_zmin", "_zmax").first(),
        pl.col("_title", "_paren", "_vb", "_acr", "_cap", "_inparen", "_long").any(),
        pl.col("_sub", "_first").min(),
    )
    one = pl.col("_n") == 1
    log_tf = pl.col("_tf").cast(pl.Float64).log()
    return words, per_term.select(
        "_p",
        "w0",
        "w1",
        "w2",
        pl.lit(1.0).alias("bias"),
        one.cast(pl.Float64).alias("one_word"),
        (pl.col("_n") == 3).cast(pl.Float64).alias("three_words"),
        log_tf.alias("log_tf"),
        pl.col("_title").cast(pl.Float64).alias("in_title"),
        pl.col("_acr").cast(pl.Float64).alias("acronym"),
        pl.col("_paren").cast(pl.Float64).alias("before_paren"),
        (pl.col("_zmax") / 7).alias("zipf_max"),
        (pl.col("_zmin") / 7).alias("zipf_min"),
        pl.col("_first").alias("first_at"),
        pl.col("_cap").cast(pl.Float64).alias("capitalized"),
        pl.col("_long").cast(pl.Float64).alias("long_run"),
        (one & (pl.col("_zmin") >= 3)).cast(pl.Float64).alias("one_common_word"),
        (one.cast(pl.Float64) * log_tf).alias("one_word_log_tf"),
        pl.col("_vb").cast(pl.Float64).alias("verbish"),
        pl.col("_inparen").cast(pl.Float64).alias("in_paren"),
        (one & pl.col("_acr")).cast(pl.Float64).alias("one_acronym"),
        (pl.col("_sub") == 1).cast(pl.Float64).alias("tail_of_run"),
    )


def _spelled(words: pl.Series) -> pl.Expr:
    """A candidate's words (w2 w1 w0, nulls skipped) as the term's text."""
    return pl.concat_str(
        [
            pl.col(c).map_batches(lambda ids: words.gather(ids), return_dtype=pl.String)
            for c in ("w2", "w1", "w0")
        ],
        separator=" ",
        ignore_nulls=True,
    ).alias("term")


def candidate_features(papers: pl.DataFrame) -> pl.DataFrame:
    """Every candidate phrase of every paper with its features: columns _p (the paper's row
    number), term, and one column per ``WEIGHTS`` key."""
    words, cands = _candidates(papers)
    return cands.select("_p", _spelled(words), *WEIGHTS)


def terms_frame(
    papers: pl.DataFrame, limit: int = TERMS_PER_PAPER, weights: dict[str, float] | None = None
) -> pl.DataFrame:
    """The ``limit`` best key phrases of each paper: columns paper_id, term, score, method
    (score: the model's probability that the phrase is a key phrase)."""
    weights = weights or WEIGHTS
    words, cands = _candidates(papers)
    logit = pl.sum_horizontal(pl.col(k) * v for k, v in weights.items())
    # ties go to the alphabetically first term: word numbers are alphabetical ranks, and a
    # term that is another's first words sorts before it (nulls first)
    w0, w1, w2 = pl.col("w0"), pl.col("w1"), pl.col("w2")
    first_word = pl.coalesce(w2, w1, w0)
    second_word = pl.when(w2.is_not_null()).then(w1).otherwise(pl.when(w1.is_not_null()).then(w0))
    third_word = pl.when(w2.is_not_null()).then(w0)
    scored = cands.select(
        "_p", "w0", "w1", "w2", (1 / (1 + (-logit).exp())).alias("score")
    ).with_columns(first_word.alias("_a"), second_word.alias("_b"), third_word.alias("_c"))
    top = (
        scored.sort(
            ["_p", "score", "_a", "_b", "_c"],
            descending=[False, True, False, False, False],
            nulls_last=False,
        )
        .group_by("_p", maintain_order=True)
        .head(limit)
    )
    return top.select(
        papers["paper_id"].gather(top["_p"]).alias("paper_id"),
        _spelled(words),
        pl.col("score").round(3),
        pl.lit(METHOD_EXTRACTED).alias("method"),
    )


def with_source_keywords(terms: pl.DataFrame, papers: pl.DataFrame) -> pl.DataFrame:
    """``terms`` plus the keywords the source gave each paper (HF's ``ai_keywords``) of 1-3
    words, normalized as terms are, score 1; a phrase both give is marked ``both``."""
    if "keywords" not in papers.columns:
        return terms
    given = (
        papers.select("paper_id", pl.col("keywords").alias("term"))
        .explode("term")
        .drop_nulls("term")
        .with_columns(
            pl.col("term")
            .str.replace(_KEYWORD_ACRONYM, "")
            .str.to_lowercase()
            .str.replace_all(JOINED_PATTERN, "${1}${2}")
            .str.replace_all(r"\s+", " ")
            .str.strip_chars()
        )
        .filter(pl.col("term").str.contains(r"^\S+(?: \S+){0,2}$"))
        .unique(["paper_id", "term"], maintain_order=True)
    )
    if given.is_empty():
        return terms
    both = terms.join(given, on=["paper_id", "term"], how="semi")
    return pl.concat(
        [
            terms.join(given, on=["paper_id", "term"], how="anti"),
            both.with_columns(pl.lit(METHOD_BOTH).alias("method")),
            given.join(terms, on=["paper_id", "term"], how="anti").with_columns(
                pl.lit(1.0).alias("score"), pl.lit(METHOD_SOURCE).alias("method")
            ),
        ]
    )
