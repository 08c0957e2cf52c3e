"""Contracts of the Parquet marts (``<lake>/marts/<mart>/<YYYY-MM>.parquet``, or ``all.parquet``
for the small ones): one per analytics view."""

from __future__ import annotations

from warehouse.contracts.schema import Column, TableContract

_ = Column


def _mart(name: str, description: str, key: tuple[str, ...], *columns: Column) -> TableContract:
    return TableContract(
        name=name, description=description, columns=columns, key=key, gated=False, ledgered=False
    )


MARTS: tuple[TableContract, ...] = (
    _mart(
        "papers_by_week",
        "Which papers were seen in which ISO week (the base of the weekly marts).",
        ("week", "paper_id"),
        Column("week", "date", "Monday of the week"),
        Column("paper_id", "str", "the paper"),
    ),
    _mart(
        "trending_daily",
        "Papers on each day's daily listings, ranked by upvotes (latest observation).",
        ("digest_date", "paper_id"),
        Column("digest_date", "date", "the day"),
        Column("rank_by_upvotes", "int64", "1 = most upvoted that day", min=1),
        Column("listed_position", "int64", "position in the listing", min=1),
        Column("paper_id", "str", "the paper"),
        Column("title", "str", "title"),
        Column("short_name", "str", "leading system name", nullable=True),
        Column("upvotes", "int64", "upvotes", nullable=True),
        Column("num_comments", "int64", "comments", nullable=True),
        Column("github_stars", "int64", "stars", nullable=True),
        Column("is_new", "bool", "first listed that day"),
        Column("observed_at", "datetime", "when observed"),
    ),
    _mart(
        "paper_history",
        "One row per paper: how long and how high it trended.",
        ("paper_id",),
        Column("paper_id", "str", "the paper"),
        Column("arxiv_id", "str", "arXiv id", nullable=True),
        Column("title", "str", "title"),
        Column("short_name", "str", "leading system name", nullable=True),
        Column("first_seen", "date", "first day listed"),
        Column("last_seen", "date", "last day listed"),
        Column("days_listed", "int64", "distinct days listed", min=1),
        Column("longest_streak", "int64", "most consecutive days listed", min=1),
        Column("n_digests", "int64", "digests it was in", min=1),
        Column("n_observations", "int64", "appearances", min=1),
        Column("best_position", "int64", "best rank", min=1),
        Column("max_upvotes", "int64", "most upvotes seen", nullable=True),
        Column("latest_upvotes", "int64", "upvotes at the last observation", nullable=True),
        Column("upvote_velocity", "float64", "upvotes gained per day listed", nullable=True),
        Column("span_days", "int64", "first to last day, inclusive", min=1),
    ),
    _mart(
        "code_momentum",
        "One row per paper: stars at first listing, after 7 and 30 days, stars per day; "
        "papers that trended and never got code.",
        ("paper_id",),
        Column("paper_id", "str", "the paper"),
        Column("arxiv_id", "str", "arXiv id", nullable=True),
        Column("title", "str", "title"),
        Column("github_repo", "str", "code repository URL", nullable=True),
        Column("first_seen", "date", "first day listed"),
        Column("first_starred", "date", "first day an observation had stars", nullable=True),
        Column("stars_first", "int64", "stars on the first listed day", nullable=True, min=0),
        Column(
            "stars_day7", "int64", "stars at the last observation by day 7", nullable=True, min=0
        ),
        Column(
            "stars_day30", "int64", "stars at the last observation by day 30", nullable=True, min=0
        ),
        Column("stars_latest", "int64", "stars at the latest observation", nullable=True, min=0),
        Column(
            "stars_per_day",
            "float64",
            "stars gained per day between the first and last observations with stars",
            nullable=True,
        ),
        Column("trended", "bool", "in the top 10 of a listing ranked by votes at least once"),
        Column("trended_without_code", "bool", "trended, and no repository nor stars ever seen"),
    ),
    _mart(
        "topic_trends",
        "Per week and topic: papers, all papers that week, share.",
        ("week", "topic"),
        Column("week", "date", "Monday of the week"),
        Column("topic", "str", "topic id"),
        Column("papers", "int64", "papers with the topic seen that week", min=1),
        Column("papers_in_week", "int64", "all papers seen that week (denominator)", min=1),
        Column("share", "float64", "papers / papers_in_week", min=0, max=1),
    ),
    _mart(
        "rising_terms",
        "Terms whose weekly share is at least 1.5x a smoothed 4-week baseline (support >= 3), "
        "not a field (in at most 5% of the year's papers, once the year holds 200).",
        ("week", "term"),
        Column("week", "date", "Monday of the week"),
        Column("term", "str", "key phrase"),
        Column("papers", "int64", "papers with the term that week", min=3),
        Column("papers_in_week", "int64", "all papers that week", min=1),
        Column("share", "float64", "papers / papers_in_week", min=0, max=1),
        Column("trailing_with_term", "int64", "papers with the term in the 4 weeks before", min=0),
        Column("trailing_papers", "int64", "all papers in the 4 weeks before", min=1),
        Column("trailing_share", "float64", "trailing share", min=0, max=1),
        Column("year_share", "float64", "share of the 52 weeks up to this one", min=0, max=1),
        Column(
            "baseline_share",
            "float64",
            "(trailing_with_term + 20 * year_share) / (trailing_papers + 20)",
            min=0,
            max=1,
        ),
        Column("lift", "float64", "share / baseline_share", min=1.5),
    ),
    _mart(
        "new_vs_returning",
        "Per day: papers listed, first-timers, returners.",
        ("digest_date",),
        Column("digest_date", "date", "the day"),
        Column("papers", "int64", "papers listed", min=1),
        Column("new_papers", "int64", "listed for the first time", min=0),
        Column("returning_papers", "int64", "listed before", min=0),
        Column("new_share", "float64", "new / papers", min=0, max=1),
    ),
    _mart(
        "coverage",
        "Per source and day: expected, landed, entries, gap.",
        ("source", "day"),
        Column("source", "str", "format/listing"),
        Column("day", "date", "the day"),
        Column("expected", "bool", "a digest was due that day"),
        Column("landed", "int64", "digests landed", min=0),
        Column("entries", "int64", "entries in them", min=0),
        Column("gap", "bool", "expected and nothing landed"),
    ),
    _mart(
        "source_lag",
        "Per paper and source: first appearance there and the lag behind the first source.",
        ("paper_id", "source"),
        Column("paper_id", "str", "the paper"),
        Column("source", "str", "format"),
        Column("first_in_source", "date", "first day in this source"),
        Column("first_anywhere", "date", "first day in any source"),
        Column("first_source", "str", "the source that had it first"),
        Column("lag_days", "int64", "days behind the first source", min=0),
        Column("n_sources", "int64", "sources it appeared in", min=1),
    ),
    _mart(
        "run_health",
        "One row per run, newest first.",
        ("run_id",),
        Column("run_id", "str", "the run"),
        Column("started_at", "datetime", "start"),
        Column("status", "str", "outcome"),
        Column("duration_s", "float64", "seconds"),
        Column("files_seen", "int64", "input files"),
        Column("files_new", "int64", "new files"),
        Column("files_quarantined", "int64", "files refused"),
        Column("digests", "int64", "digests published"),
        Column("entries", "int64", "entries published"),
        Column("new_papers", "int64", "new papers"),
        Column("checks_passed", "int64", "checks passed"),
        Column("checks_failed", "int64", "checks failed"),
        Column("quarantine_rows", "int64", "quarantine records"),
        Column("message", "str", "error or rejection", nullable=True),
        Column("code_version", "str", "paperdigest version"),
    ),
)
MART_BY_NAME = {m.name: m for m in MARTS}
