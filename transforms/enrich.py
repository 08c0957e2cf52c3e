"""Enrichment of papers: short names, links, topics, key phrases and dataset mentions.

Plain functions over one paper's text, applied to the papers a run touches; each result goes
to its own contract table and through the gate like everything else.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import polars as pl

from warehouse.contracts import taxonomy

# -- short names -----------------------------------------------------------------------------

_LEAD = re.compile(r"^\s*([A-Za-z0-9][\w\-+.&'²³]*(?: [A-Za-z0-9][\w\-+.&'²³]*){0,2})\s*:\s*\S")
_NOT_NAMES = frozenset(
    {
        "survey",
        "review",
        "position",
        "tutorial",
        "overview",
        "perspective",
        "note",
        "technical report",
        "report",
        "preprint",
        "editorial",
        "introduction",
        "part",
        "chapter",
        "case study",
        "erratum",
    }
)


def short_name(title: str) -> str | None:
    """The system or method name a title leads with: ``DVPT: ...`` -> ``DVPT``; else None."""
    m = _LEAD.match(title)
    if not m:
        return None
    name = m.group(1).strip()
    words = name.split()
    if name.casefold() in _NOT_NAMES or len(name) > 32:
        return None
    # several words make a name only with a capital inside a word or a digit
    # ("Stable Diffusion 3", "Grounded SAM"), not a Title Cased phrase ("Large Language Models")
    if len(words) > 1 and not any(
        any(ch.isupper() or ch.isdigit() for ch in w[1:]) or w.isdigit() for w in words
    ):
        return None
    return name


# -- links -----------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]}]+|\bgithub\.com/[\w.\-]+/[\w.\-]+", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}>'\"`*"
_DATA_HOSTS = ("huggingface.co/datasets", "zenodo.org", "kaggle.com", "figshare.com", "dataverse")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


def normalize_url(url: str) -> str | None:
    u = url.strip().rstrip(_TRAILING)
    if u.lower().startswith("www.") or u.lower().startswith("github.com/"):
        u = "https://" + u
    parts = urlsplit(u)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or "." not in host:
        return None
    path = parts.path.rstrip("/")
    if host in _CODE_HOSTS:
        segs = [s for s in path.split("/") if s][:2]
        if len(segs) < 2:
            return None
        owner, repo = segs[0], segs[1].removesuffix(".git")
        return f"https://{host}/{owner}/{repo}"
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{path}{query}"


def link_kind(url: str, found_in: str) -> str:
    low = url.lower()
    if any(h in low for h in _DATA_HOSTS):
        return "data"
    if any(f"//{h}/" in low for h in _CODE_HOSTS):
        return "code"
    if found_in == "project_page" or ".github.io" in low:
        return "project"
    return "other"


def links(
    abstract: str | None, github_repo: str | None, project_page: str | None
) -> list[tuple[str, str, str]]:
    """(url, kind, found_in), one per normalized URL, API fields first."""
    seen: dict[str, tuple[str, str, str]] = {}
    candidates = [(github_repo, "github_repo"), (project_page, "project_page")]
    candidates += [(m.group(0), "abstract") for m in _URL.finditer(abstract or "")]
    for raw, where in candidates:
        if not raw:
            continue
        url = normalize_url(raw)
        if url and url not in seen:
            seen[url] = (url, link_kind(url, where), where)
    return list(seen.values())


def links_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """``links`` for many papers at once: columns paper_id, url, kind, found_in.

    URLs are found by Polars over every abstract; only the (few) distinct raw URLs go through
    Python's ``urlsplit`` to be normalized.
    """
    s = pl.String
    found = pl.concat(
        [
            papers.select(
                "paper_id", pl.col("github_repo").alias("raw"), pl.lit("github_repo").alias("w")
            ).with_columns(pl.lit(0, pl.Int64).alias("_o")),
            papers.select(
                "paper_id", pl.col("project_page").alias("raw"), pl.lit("project_page").alias("w")
            ).with_columns(pl.lit(1, pl.Int64).alias("_o")),
            papers.select(
                "paper_id",
                pl.col("abstract").str.extract_all(f"(?i){_URL.pattern}").alias("raw"),
                pl.lit("abstract").alias("w"),
            )
            .explode("raw")
            .with_columns((pl.int_range(pl.len()).over("paper_id") + 2).alias("_o")),
        ]
    ).filter(pl.col("raw").is_not_null() & (pl.col("raw") != ""))
    urls = found.select("raw").unique()
    normalized = urls.with_columns(
        pl.col("raw").map_elements(normalize_url, return_dtype=s).alias("url")
    )
    resolved = (
        found.join(normalized, on="raw", how="left")
        .drop_nulls("url")
        .sort("paper_id", "_o", maintain_order=True)
        .unique(["paper_id", "url"], keep="first", maintain_order=True)
    )
    kinds = resolved.select("url", "w").unique()
    kinds = kinds.with_columns(
        pl.struct("url", "w")
        .map_elements(lambda r: link_kind(r["url"], r["w"]), return_dtype=s)
        .alias("kind")
    )
    return resolved.join(kinds, on=["url", "w"], how="left", maintain_order="left").select(
        "paper_id", "url", "kind", pl.col("w").alias("found_in")
    )


# -- key phrases -----------------------------------------------------------------------------

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "with",
        "without",
        "via",
        "into",
        "over",
        "under",
        "than",
        "then",
        "this",
        "that",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "as",
        "we",
        "our",
        "us",
        "they",
        "their",
        "them",
        "which",
        "who",
        "whom",
        "whose",
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "should",
        "shall",
        "do",
        "does",
        "did",
        "done",
        "has",
        "have",
        "had",
        "not",
        "no",
        "nor",
        "but",
        "if",
        "while",
        "when",
        "where",
        "how",
        "what",
        "why",
        "such",
        "also",
        "both",
        "each",
        "more",
        "most",
        "other",
        "some",
        "any",
        "all",
        "many",
        "much",
        "few",
        "several",
        "new",
        "novel",
        "propose",
        "proposes",
        "proposed",
        "present",
        "presents",
        "show",
        "shows",
        "shown",
        "using",
        "use",
        "used",
        "based",
        "approach",
        "method",
        "methods",
        "paper",
        "work",
        "results",
        "result",
        "achieve",
        "achieves",
        "achieved",
        "however",
        "further",
        "significantly",
        "state",
        "art",
        "demonstrate",
        "demonstrates",
        "including",
        "across",
        "between",
        "existing",
        "recent",
        "recently",
        "large",
        "models",
        "model",
        "task",
        "tasks",
        "performance",
        "data",
        "well",
        "first",
        "one",
        "two",
        "three",
        "across",
        "only",
        "even",
        "up",
        "about",
        "through",
        "towards",
        "toward",
        "introduce",
        "introduces",
        "extensive",
        "experiments",
        "code",
        "available",
        "https",
        "http",
        "www",
        "github",
        "com",
        "study",
        "studies",
        "improve",
        "improves",
        "improved",
        "enable",
        "enables",
        "enabling",
        "allow",
        "allows",
        "leverage",
        "leverages",
        "outperforms",
        "outperform",
        "existing",
        "effective",
        "effectively",
        "strong",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")
# "pre-training", "pre training" and "pretraining" are one term, as are fine-tuning & co.
# (the next letter is consumed and put back, not looked ahead at: Rust's regex has no lookahead,
# and the vectorized form below must split the very same way)
_JOINED_PATTERN = r"\b(pre|post|fine|self|multi|cross|semi|zero|few|re|co|non)[\s\-]+([a-z])"
_JOINED = re.compile(_JOINED_PATTERN)
_BREAK_CHARS = r".;:!?,()\[\]\""
# a paper keeps its best phrases only: enough for rising terms, bounded for years of history
TERMS_PER_PAPER = 12


def normalize_term_text(text: str) -> str:
    return _JOINED.sub(r"\1\2", text.lower())


def key_phrases(
    title: str, abstract: str | None, limit: int = TERMS_PER_PAPER
) -> list[tuple[str, float]]:
    """RAKE-style phrases: 2-3 word windows of content-word runs, scored by word degree/frequency.

    Per paper, so a run's cost does not depend on the corpus; corpus statistics (what is
    rising) are computed by the views from these per-paper terms.
    """
    text = normalize_term_text(f"{title}. {abstract or ''}")
    phrases: list[list[str]] = []
    for sentence in re.split(f"[{_BREAK_CHARS}]", text):
        run: list[str] = []
        for word in _WORD.findall(sentence):
            w = word.strip("-")
            if w in _STOP or len(w) < 3 or w.isdigit():
                if run:
                    phrases.append(run)
                run = []
            else:
                run.append(w)
        if run:
            phrases.append(run)
    freq: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for run in phrases:
        for w in run:
            freq[w] += 1
            degree[w] += min(len(run), 3)
    # candidates: the 2- and 3-word windows of each run (a lone word stands alone), so papers
    # share terms like "diffusion models" even when their longest phrases differ
    scored: dict[str, float] = {}
    for run in phrases:
        windows = (
            [run]
            if len(run) == 1
            else [run[i : i + n] for n in (2, 3) for i in range(len(run) - n + 1)]
        )
        for chunk in windows:
            phrase = " ".join(chunk)
            scored[phrase] = max(
                scored.get(phrase, 0.0), sum(degree[w] / freq[w] for w in chunk) / len(chunk)
            )
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(p, round(s, 3)) for p, s in best]


# -- dataset and benchmark mentions ------------------------------------------------------------

CURATED = {
    "ImageNet-1K": "dataset",
    "ImageNet": "dataset",
    "COCO": "dataset",
    "MS MARCO": "dataset",
    "Ego4D": "dataset",
    "LibriSpeech": "dataset",
    "Common Crawl": "dataset",
    "The Pile": "dataset",
    "LAION-5B": "dataset",
    "LAION": "dataset",
    "ShareGPT": "dataset",
    "Wikipedia": "dataset",
    "CIFAR-10": "dataset",
    "CIFAR-100": "dataset",
    "SQuAD": "dataset",
    "Natural Questions": "dataset",
    "KITTI": "dataset",
    "nuScenes": "dataset",
    "ScanNet": "dataset",
    "Objaverse": "dataset",
    "AudioSet": "dataset",
    "Kinetics-400": "dataset",
    "GSM8K": "benchmark",
    "MATH": "benchmark",
    "MMLU": "benchmark",
    "MMLU-Pro": "benchmark",
    "HumanEval": "benchmark",
    "MBPP": "benchmark",
    "SWE-bench": "benchmark",
    "BIG-Bench": "benchmark",
    "HellaSwag": "benchmark",
    "ARC": "benchmark",
    "TruthfulQA": "benchmark",
    "GPQA": "benchmark",
    "MT-Bench": "benchmark",
    "AlpacaEval": "benchmark",
    "VBench": "benchmark",
    "MMMU": "benchmark",
    "VQAv2": "benchmark",
    "LongBench": "benchmark",
    "BEIR": "benchmark",
    "GLUE": "benchmark",
    "SuperGLUE": "benchmark",
    "AIME": "benchmark",
    "LiveCodeBench": "benchmark",
    "WebArena": "benchmark",
    "MathVista": "benchmark",
}
_CURATED_RE = [
    (name, kind, re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])"))
    for name, kind in CURATED.items()
]
_PATTERNS = [
    (re.compile(r"\b[A-Z][A-Za-z0-9]*-?Bench(?:mark)?\b"), "benchmark"),
    (re.compile(r"\b[A-Z][A-Za-z0-9]*(?:QA|Eval)\b"), "benchmark"),
]


def mentions(title: str, abstract: str | None) -> list[tuple[str, str, str]]:
    """(name, kind, method): curated names first, then benchmark-shaped names."""
    text = f"{title}\n{abstract or ''}"
    found: dict[str, tuple[str, str, str]] = {}
    for name, kind, pattern in _CURATED_RE:
        if pattern.search(text):
            found.setdefault(name.casefold(), (name, kind, "curated"))
    # (a name inside a longer one, "ImageNet" in "ImageNet-1K", does not match: see _CURATED_RE)
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            name = m.group(0)
            if name.casefold() not in found and name not in ("Bench", "Benchmark"):
                found[name.casefold()] = (name, kind, "pattern")
    return list(found.values())


def topics(
    title: str, abstract: str | None, keywords: list[str] | None, categories: list[str] | None
) -> list[tuple[str, float, str]]:
    return taxonomy.assign(title, abstract, keywords, categories)


# -- vectorized forms (Polars' Rust regex over every paper at once) -----------------------------


def _folded(column: str) -> pl.Expr:
    # lowercase (and the long s, which (?i) matches as "s" but lowercasing keeps): every text a
    # case-insensitive pattern matches, its lowercase pattern matches here
    return pl.col(column).str.to_lowercase().str.replace_all("\u017f", "s", literal=True)


def topics_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """``assign`` for many papers at once: columns paper_id, topic, score, method."""
    texts = ("title", "abstract", "kw")
    # the patterns are lowercase, so they match the lowercased text case-sensitively exactly
    # where their case-insensitive forms match the text ((?i) regexes cost 5x)
    folded = papers.select(
        "paper_id",
        pl.col("title").fill_null(""),
        pl.col("abstract").fill_null(""),
        pl.col("keywords").list.join(" | ").fill_null("").alias("kw"),
        pl.col("categories").fill_null([]).alias("cats"),
    ).with_columns(_folded(c) for c in texts)
    frames = []
    for topic in taxonomy.TOPICS:
        # the papers any of the topic's patterns can match, by one scan; counting hits per
        # pattern, 132 patterns x 3 columns, then runs on those few papers only
        any_of = f"(?:{'|'.join(topic.patterns)})"

        def hits(column: str, patterns: tuple[str, ...] = topic.patterns) -> pl.Expr:
            return pl.sum_horizontal(
                [pl.col(column).str.contains(p).cast(pl.Int64) for p in patterns]
            )

        cat = (
            pl.col("cats").list.eval(pl.element().is_in(list(topic.categories))).list.any()
            if topic.categories
            else pl.lit(False)
        )
        maybe = pl.any_horizontal(pl.col(c).str.contains(any_of) for c in texts)
        candidates = folded.with_columns(cat.fill_null(False).alias("cat")).filter(
            pl.col("cat") | maybe
        )
        scored = candidates.select(
            "paper_id",
            "cat",
            hits("title").alias("t"),
            hits("abstract").alias("a"),
            hits("kw").alias("k"),
        ).with_columns((0.5 * pl.col("t") + 0.25 * (pl.col("a") + pl.col("k"))).alias("rule"))
        frames.append(
            scored.with_columns(
                pl.min_horizontal(pl.lit(1.0), pl.col("cat").cast(pl.Float64) + pl.col("rule"))
                .round(2)
                .alias("score"),
                pl.when(pl.col("cat") & (pl.col("rule") <= 1.0))
                .then(pl.lit("category"))
                .when((pl.col("k") > 0) & (pl.col("t") == 0) & (pl.col("a") == 0))
                .then(pl.lit("keywords"))
                .otherwise(pl.lit("rules"))
                .alias("method"),
                pl.lit(topic.id).alias("topic"),
            )
            .filter(pl.col("score") >= 0.5)
            .select("paper_id", "topic", "score", "method")
        )
    return pl.concat(frames).sort("paper_id", maintain_order=True)


_CURATED_ALT = "|".join(re.escape(n) for n in sorted(CURATED, key=len, reverse=True))


def mentions_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """``mentions`` for many papers at once: columns paper_id, name, kind, method."""
    text = pl.concat_str(
        [pl.col("title").fill_null(""), pl.col("abstract").fill_null("")], separator="\n"
    )
    base = papers.select("paper_id", text.alias("text"))
    curated = (
        base.select(
            "paper_id", pl.col("text").str.extract_all(rf"\b(?:{_CURATED_ALT})\b").alias("name")
        )
        .explode("name")
        .drop_nulls("name")
        .with_columns(
            pl.col("name").replace_strict(CURATED, default=None).alias("kind"),
            pl.lit("curated").alias("method"),
        )
        .drop_nulls("kind")
    )
    patterned = []
    for pattern, kind in _PATTERNS:
        patterned.append(
            base.select("paper_id", pl.col("text").str.extract_all(pattern.pattern).alias("name"))
            .explode("name")
            .drop_nulls("name")
            .filter(~pl.col("name").is_in(["Bench", "Benchmark"]))
            .with_columns(pl.lit(kind).alias("kind"), pl.lit("pattern").alias("method"))
        )
    both = pl.concat([curated, *patterned]).with_row_index("_order")
    # one row per paper and name (case-insensitively), curated names first
    return (
        both.with_columns(pl.col("name").str.to_lowercase().alias("_k"))
        .unique(["paper_id", "_k"], keep="first", maintain_order=True)
        .sort("paper_id", "_order")
        .select("paper_id", "name", "kind", "method")
    )


def terms_frame(papers: pl.DataFrame, limit: int = TERMS_PER_PAPER) -> pl.DataFrame:
    """``key_phrases`` for many papers at once: columns paper_id, term, score.

    Tokens of every paper in one long frame: a break (stop word, short word, punctuation) ends
    a run; each run's 2- and 3-word windows are scored by the mean degree/frequency of their
    words within the paper. Same terms and scores as the per-paper function.
    """
    text = (
        pl.concat_str(
            [pl.col("title").fill_null(""), pl.col("abstract").fill_null("")], separator=". "
        )
        .str.to_lowercase()
        .str.replace_all(_JOINED_PATTERN, "${1}${2}")
    )
    tok = pl.col("tok")
    # a word starts with a letter and punctuation is one character, so both kinds of break
    # are caught by length and the stop list
    brk = tok.str.len_bytes().lt(3) | tok.is_in(list(_STOP))
    # rows stay in paper and text order, so a run is a stretch between breaks (or paper starts)
    # and its next words are plain shifts: no per-group windows over millions of tokens. Papers
    # are numbered (``_p``): their ids join back at the end, not carried through every token
    words = (
        papers.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_p"),
            text.str.extract_all(f"{_WORD.pattern}|[{_BREAK_CHARS}]").alias("tok"),
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
