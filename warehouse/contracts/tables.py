"""Contract v1 of every table in the lake. Add columns freely; rename none without a migration."""

from __future__ import annotations

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.taxonomy import TAXONOMY_VERSION, TOPIC_IDS

FORMATS = (
    "hf_page_text",
    "hf_daily_json",
    "hf_page_html",
    "arxiv_atom",
    "arxiv_rss",
    "email",
    "unknown",
)
LISTINGS = (
    "daily",
    "weekly",
    "monthly",
    "trending",
    "search",
    "arxiv_listing",
    "arxiv_query",
    "email",
)
DATE_SOURCES = ("explicit", "content", "filename", "entries", "landing")
RUN_STATUSES = ("published", "rejected", "noop", "failed")
FILE_STATUSES = ("parsed", "quarantined")
SEVERITIES = ("critical", "warning")
ALIAS_REASONS = ("title_match", "near_title")
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")

SHA256 = r"^[0-9a-f]{64}$"
PAPER_ID = r"^(?:t:[0-9a-f]{16}|\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})$"
RUN_ID = r"^\d{8}T\d{6}\d{6}Z-[0-9a-f]{6}$"
MONTH = r"^\d{4}-\d{2}$"


def _run_id(desc: str = "the run that added this row") -> Column:
    return Column("run_id", "str", desc, pattern=RUN_ID, volatile=True)


RAW_FILES = TableContract(
    name="raw_files",
    description="Every file landed in the raw zone, once per distinct content (sha256).",
    key=("sha256",),
    required_each_run=True,
    columns=(
        Column("sha256", "str", "sha256 of the raw bytes; the file's identity", pattern=SHA256),
        Column("format", "str", "format found by sniffing the bytes", allowed=FORMATS),
        Column("original_name", "str", "file name as given (no directories)"),
        Column("bytes", "int64", "size in bytes", min=0),
        Column(
            "raw_path",
            "str",
            "path of the stored copy, relative to the lake root (its month: when first landed)",
            volatile=True,
        ),
        Column(
            "status",
            "str",
            "parsed, or quarantined (see the quarantine table)",
            allowed=FILE_STATUSES,
        ),
        Column("landed_at", "datetime", "when it was first landed (UTC)", volatile=True),
        _run_id(),
    ),
)

DIGESTS = TableContract(
    name="digests",
    description="One row per parsed digest (a day's page, an API response, a listing).",
    key=("digest_id",),
    partition_by=("digest_month",),
    columns=(
        Column("digest_id", "str", "sha256 of the raw bytes", pattern=SHA256),
        Column("format", "str", "source format", allowed=FORMATS),
        Column("listing", "str", "kind of listing", allowed=LISTINGS),
        Column("digest_date", "date", "the day (or first day of the period) the digest lists"),
        Column("digest_date_source", "str", "which rule chose digest_date", allowed=DATE_SOURCES),
        Column("n_entries", "int64", "records the parser found", min=0),
        Column("original_name", "str", "file name as given"),
        Column("landed_at", "datetime", "when the raw file was landed (UTC)", volatile=True),
        Column("digest_month", "str", "YYYY-MM of digest_date; the partition", pattern=MONTH),
        _run_id(),
    ),
)

DIGEST_ENTRIES = TableContract(
    name="digest_entries",
    description="One row per appearance of a paper in a digest, so popularity has a history.",
    key=("digest_id", "position"),
    partition_by=("digest_month",),
    columns=(
        Column("digest_id", "str", "the digest this appearance is in", pattern=SHA256),
        Column("position", "int64", "rank in the digest, 1..n", min=1),
        Column("paper_id", "str", "the paper (after alias merges)", pattern=PAPER_ID),
        Column("digest_date", "date", "the digest's date"),
        Column("listing", "str", "the digest's listing", allowed=LISTINGS),
        Column("title_seen", "str", "the title as this digest printed it"),
        Column("upvotes", "int64", "upvotes at that moment", nullable=True, min=0),
        Column("num_comments", "int64", "comments at that moment", nullable=True, min=0),
        Column(
            "github_stars", "int64", "stars of the linked repo at that moment", nullable=True, min=0
        ),
        Column(
            "submitted_date", "date", "day the paper was submitted to this listing", nullable=True
        ),
        Column(
            "announce_type",
            "str",
            "arXiv RSS announce type (replace = new version of a known paper)",
            nullable=True,
            allowed=ANNOUNCE_TYPES,
        ),
        Column(
            "observed_at",
            "datetime",
            "when the observation was made (landing time, UTC)",
            volatile=True,
        ),
        Column("digest_month", "str", "YYYY-MM of digest_date; the partition", pattern=MONTH),
        _run_id(),
    ),
)

PAPERS = TableContract(
    name="papers",
    description="One row per paper, merged across sources and digests.",
    key=("paper_id",),
    write_mode="merge",
    columns=(
        Column(
            "paper_id",
            "str",
            "arXiv id without version, else t: + 16 hex of the title key",
            pattern=PAPER_ID,
        ),
        Column("arxiv_id", "str", "arXiv id without version", nullable=True),
        Column("title", "str", "title, line breaks unwrapped"),
        Column(
            "title_key",
            "str",
            "t: key of the normalized title (joins title-only sources)",
            pattern=r"^t:[0-9a-f]{16}$",
        ),
        Column("abstract", "str", "abstract, line breaks unwrapped", nullable=True),
        Column("short_name", "str", "system or method name the title leads with", nullable=True),
        Column("authors", "list[str]", "author names in order", nullable=True),
        Column(
            "authors_source",
            "str",
            "format the author list came from (arXiv API > RSS > HF)",
            nullable=True,
            allowed=FORMATS,
        ),
        Column("published_date", "date", "publication date given by the source", nullable=True),
        Column("categories", "list[str]", "arXiv categories", nullable=True),
        Column("github_repo", "str", "code repository URL", nullable=True),
        Column("project_page", "str", "project page URL", nullable=True),
        Column("keywords", "list[str]", "keywords (HF ai_keywords)", nullable=True),
        Column("ai_summary", "str", "HF one-line summary", nullable=True),
        Column("arxiv_version", "int64", "latest arXiv version seen", nullable=True, min=1),
        Column("primary_category", "str", "arXiv primary category", nullable=True),
        Column("doi", "str", "DOI", nullable=True),
        Column("journal_ref", "str", "journal reference", nullable=True),
        Column("comment", "str", "arXiv author comment", nullable=True),
        Column("first_seen", "date", "first digest date it appeared in"),
        Column("last_seen", "date", "last digest date it appeared in"),
        Column("n_digests", "int64", "digests it appeared in", min=1),
        Column("best_position", "int64", "best (lowest) rank", min=1),
        Column("max_upvotes", "int64", "highest upvotes observed", nullable=True, min=0),
        Column(
            "newest_observation",
            "str",
            "the observation whose values won the merge, as digest_date|digest_id|position: "
            "the same whichever order runs came in (null: published before it was kept)",
            nullable=True,
        ),
        Column(
            "updated_run_id", "str", "run that last changed this row", pattern=RUN_ID, volatile=True
        ),
    ),
)

PAPER_ALIASES = TableContract(
    name="paper_aliases",
    description=(
        "Old keys of merged papers: a title key that later got an arXiv id, by the same "
        "normalized title (title_match) or a title that almost matches (near_title)."
    ),
    key=("alias_id",),
    columns=(
        Column("alias_id", "str", "the retired key", pattern=PAPER_ID),
        Column("paper_id", "str", "the key it now points to", pattern=PAPER_ID),
        Column("reason", "str", "why they merged", allowed=ALIAS_REASONS),
        Column(
            "score",
            "float64",
            "how close the titles were, out of 100 (title_match: 100; older rows read null)",
            min=0,
            max=100,
        ),
        _run_id(),
    ),
)

PAPER_AUTHORS = TableContract(
    name="paper_authors",
    description="Authors of each paper, in order.",
    key=("paper_id", "position"),
    write_mode="merge",
    columns=(
        Column("paper_id", "str", "the paper", pattern=PAPER_ID),
        Column("position", "int64", "1-based author position", min=1),
        Column("name", "str", "author name as given"),
        Column("affiliation", "str", "affiliation, when the source gives one", nullable=True),
    ),
)

QUARANTINE = TableContract(
    name="quarantine",
    description="What a run refused, with the reason and where in the input.",
    key=("run_id", "raw_sha256", "locator"),
    gated=False,
    columns=(
        _run_id("the run that refused it"),
        Column("raw_sha256", "str", "the raw file it came from", pattern=SHA256),
        Column("locator", "str", "where: 'file', a byte offset, a JSON path, or table/check/key"),
        Column("reason", "str", "readable reason"),
        Column("excerpt", "str", "a short excerpt of the offending input", nullable=True),
        Column("original_name", "str", "file name as given"),
        Column("format", "str", "sniffed format", allowed=FORMATS),
        Column("quarantined_at", "datetime", "when (UTC)", volatile=True),
    ),
)

RUNS = TableContract(
    name="runs",
    description="One row per run: what it saw, what it did, how it ended.",
    key=("run_id",),
    gated=False,
    columns=(
        _run_id("the run"),
        Column("started_at", "datetime", "start (UTC)"),
        Column("finished_at", "datetime", "end (UTC)"),
        Column("status", "str", "outcome", allowed=RUN_STATUSES),
        Column("files_seen", "int64", "input files", min=0),
        Column("files_new", "int64", "files not landed before", min=0),
        Column("files_quarantined", "int64", "files refused", min=0),
        Column("digests", "int64", "digests published", min=0),
        Column("entries", "int64", "digest entries published", min=0),
        Column("new_papers", "int64", "papers not seen before", min=0),
        Column("checks_passed", "int64", "gate checks passed", min=0),
        Column("checks_failed", "int64", "gate checks failed", min=0),
        Column("code_version", "str", "paperdigest version"),
        Column("message", "str", "error or rejection summary", nullable=True),
    ),
)

CHECK_RESULTS = TableContract(
    name="check_results",
    description="Every gate check of every run. (table_name/check_name: TABLE and CHECK are SQL keywords.)",
    key=("run_id", "table_name", "check_name"),
    gated=False,
    columns=(
        _run_id(),
        Column("table_name", "str", "the table checked"),
        Column("check_name", "str", "the check"),
        Column("success", "bool", "passed?"),
        Column("severity", "str", "critical blocks the run", allowed=SEVERITIES),
        Column("observed", "str", "what was observed (counts, examples)", nullable=True),
        Column("n_failed", "int64", "offending rows", min=0),
    ),
)

LINK_KINDS = ("code", "project", "data", "other")
LINK_SOURCES = ("abstract", "github_repo", "project_page")
TOPIC_METHODS = ("rules", "category", "keywords")
MENTION_KINDS = ("dataset", "benchmark")
MENTION_METHODS = ("curated", "pattern")

PAPER_LINKS = TableContract(
    name="paper_links",
    description="Code, project and data links of each paper, normalized (github.com/<owner>/<repo>).",
    key=("paper_id", "url"),
    write_mode="merge",
    columns=(
        Column("paper_id", "str", "the paper", pattern=PAPER_ID),
        Column(
            "url",
            "str",
            "normalized URL (https, no trailing punctuation)",
            pattern=r"^https://\S+$",
        ),
        Column("kind", "str", "what the link is", allowed=LINK_KINDS),
        Column("found_in", "str", "where it was found", allowed=LINK_SOURCES),
    ),
)

PAPER_TOPICS = TableContract(
    name="paper_topics",
    description=f"Research topics of each paper (taxonomy v{TAXONOMY_VERSION}, transforms/taxonomy.py).",
    key=("paper_id", "topic"),
    write_mode="merge",
    columns=(
        Column("paper_id", "str", "the paper", pattern=PAPER_ID),
        Column("topic", "str", "topic id", allowed=TOPIC_IDS),
        Column("score", "float64", "evidence, 0.5..1", min=0.5, max=1.0),
        Column("method", "str", "strongest evidence", allowed=TOPIC_METHODS),
        Column("taxonomy_version", "int64", "taxonomy version", min=1),
    ),
)

PAPER_TERMS = TableContract(
    name="paper_terms",
    description=(
        "Key phrases of each paper: noun phrases of its title and abstract ranked by a model "
        "fitted to HF's ai_keywords, and HF's ai_keywords themselves where the source gives "
        "them (pre-training = pretraining = pre training)."
    ),
    key=("paper_id", "term"),
    write_mode="merge",
    columns=(
        Column("paper_id", "str", "the paper", pattern=PAPER_ID),
        Column("term", "str", "normalized key phrase, 1-3 words", pattern=r"^\S+(?: \S+){0,2}$"),
        Column("score", "float64", "how likely a key phrase (HF's own: 1)", min=0, max=1),
        Column(
            "method",
            "str",
            "extracted (ours), ai_keywords (HF's) or both (rows written before methods were kept read null)",
            allowed=("extracted", "ai_keywords", "both"),
        ),
    ),
)

PAPER_MENTIONS = TableContract(
    name="paper_mentions",
    description="Datasets and benchmarks each paper mentions (curated list plus name patterns).",
    key=("paper_id", "name"),
    write_mode="merge",
    columns=(
        Column("paper_id", "str", "the paper", pattern=PAPER_ID),
        Column("name", "str", "dataset or benchmark name as written"),
        Column("kind", "str", "dataset or benchmark", allowed=MENTION_KINDS),
        Column("method", "str", "curated list or pattern", allowed=MENTION_METHODS),
    ),
)

FETCHES = TableContract(
    name="fetches",
    description="Every HTTP request the fetchers made: what was asked, what came back.",
    key=("url", "fetched_at"),
    gated=False,
    ledgered=False,
    columns=(
        Column(
            "url",
            "str",
            "the URL requested: its query string sorted and percent-encoded, as sent",
        ),
        Column(
            "final_url",
            "str",
            "where the response came from, when redirects moved it (null: the URL requested)",
            nullable=True,
        ),
        Column(
            "source", "str", "which fetcher (hf_daily, hf_search, hf_page, arxiv_rss, arxiv_query)"
        ),
        Column("params", "str", "request parameters as JSON"),
        Column("fetched_at", "datetime", "when the response finished (UTC)"),
        Column(
            "status",
            "int64",
            "HTTP status; 304 = unchanged since the last fetch; 0 = no response",
            min=0,
            max=599,
        ),
        Column("etag", "str", "ETag of the response", nullable=True),
        Column("last_modified", "str", "Last-Modified of the response", nullable=True),
        Column(
            "sha256", "str", "the landed body, when there was one", nullable=True, pattern=SHA256
        ),
        Column("bytes", "int64", "body size", nullable=True, min=0),
        Column("attempts", "int64", "tries, retries included", min=1),
        Column(
            "elapsed_s", "float64", "seconds from first try to last byte (waits included)", min=0
        ),
        Column("name", "str", "file name the body was landed under", nullable=True),
        Column("headers", "str", "response headers as JSON", nullable=True),
        Column("error", "str", "why it failed, when it did", nullable=True),
    ),
)

WATCH_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
WATCH_ACTIONS = ("add", "remove")

WATCHES = TableContract(
    name="watches",
    description=(
        "Saved queries, as their history: each add or remove of a watch is a row (a watch is "
        "active when its newest row adds it). Conditions are AND-ed; at least one is set."
    ),
    key=("name", "run_id"),
    columns=(
        Column("name", "str", "the watch's name", pattern=WATCH_NAME),
        Column("action", "str", "what this row did", allowed=WATCH_ACTIONS),
        Column("query", "str", "BM25 query over title and abstract", nullable=True),
        Column("topic", "str", "a paper_topics topic", nullable=True, allowed=TOPIC_IDS),
        Column("author", "str", "part of an author's name (any case)", nullable=True),
        Column("term", "str", "a paper_terms phrase", nullable=True),
        Column("category", "str", "an arXiv category", nullable=True),
        Column("min_upvotes", "int64", "at least this many upvotes", nullable=True, min=0),
        Column("rising", "bool", "only papers carrying a term rising in a week they were seen"),
        Column("changed_at", "datetime", "when the run changed it (UTC)", volatile=True),
        _run_id(),
    ),
)

WATCH_HITS = TableContract(
    name="watch_hits",
    description="The papers each watch matched, each recorded once: by the run that first matched it.",
    key=("watch", "paper_id"),
    columns=(
        Column("watch", "str", "the watch", pattern=WATCH_NAME),
        Column("paper_id", "str", "the paper", pattern=PAPER_ID),
        _run_id("the run that first matched it"),
        Column("matched_at", "datetime", "when (UTC)", volatile=True),
        Column("why", "str", "the conditions it met"),
    ),
)

ALL: tuple[TableContract, ...] = (
    RAW_FILES,
    DIGESTS,
    DIGEST_ENTRIES,
    PAPERS,
    PAPER_ALIASES,
    PAPER_AUTHORS,
    PAPER_LINKS,
    PAPER_TOPICS,
    PAPER_TERMS,
    PAPER_MENTIONS,
    QUARANTINE,
    RUNS,
    CHECK_RESULTS,
    FETCHES,
    WATCHES,
    WATCH_HITS,
)
BY_NAME: dict[str, TableContract] = {t.name: t for t in ALL}
