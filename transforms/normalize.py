"""Normalization: parsed digests -> contract tables, with identity and merges, in Polars.

Only the rows this run adds or changes are built here ("staged"); the published tables are
read just for the keys they touch, so a run costs what its new data costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from transforms.dates import digest_date_of
from transforms.enrichment import ENRICHMENT_INPUTS
from transforms.identity import title_key
from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from transforms.digest_records import ParsedDigest
    from transforms.landing import LandedFile


@dataclass(eq=False)
class DigestTable:
    """A parsed digest as columns: its header and one row per entry (``entry_frame``).

    Built where the file is parsed, so a process parsing ahead (or a Dask worker) hands over
    Arrow columns, not tens of thousands of Python objects to pickle and rebuild.
    """

    format: str
    listing: str
    entries: pl.DataFrame
    content_date: date | None = None
    content_month_day: tuple[int, int] | None = None

    @classmethod
    def of(cls, digest: ParsedDigest) -> DigestTable:
        return cls(
            digest.format,
            digest.listing,
            entry_frame(digest),
            digest.content_date,
            digest.content_month_day,
        )

    def __eq__(self, other: object) -> bool:
        # (a frame's == compares cell by cell; equal digests have equal headers and rows)
        if not isinstance(other, DigestTable):
            return NotImplemented
        head = (self.format, self.listing, self.content_date, self.content_month_day)
        other_head = (other.format, other.listing, other.content_date, other.content_month_day)
        return head == other_head and self.entries.equals(other.entries)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class DatedFile:
    """A landed file, its digest as columns, and the date chosen for it (with the rule that
    gave it: ``dates.choose_digest_date``)."""

    landed: LandedFile
    digest: DigestTable
    digest_date: date
    date_source: str


@dataclass
class Published:
    """The slices of published tables a run needs (already filtered to its keys)."""

    papers: pl.DataFrame
    aliases: pl.DataFrame
    # title keys that almost match one id-bearing paper (``near_titles.near_matches``):
    # title_key, paper_id, score
    near: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"title_key": pl.String, "paper_id": pl.String, "score": pl.Float64}
        )
    )


@dataclass
class Staged:
    run_id: str
    tables: dict[str, pl.DataFrame]
    # retired title keys -> arXiv ids; past digest_entries are re-pointed on publish
    repoint: dict[str, str] = field(default_factory=dict)
    # papers rows to delete (merged into another) and authors to replace
    # keys to delete from merged tables (a merged-away paper, stale authors, stale enrichments)
    deletes: dict[str, pl.DataFrame] = field(default_factory=dict)
    retired_ids: list[str] = field(default_factory=list)
    new_papers: int = 0
    # published title-keyed papers that this run merged into an arXiv-keyed one
    merged_papers: int = 0
    expected_entries: dict[str, int] = field(default_factory=dict)

    def touched_papers(self) -> set[str]:
        """Every paper whose derived rows (marts) this run can change: the papers of its rows,
        the papers merged away and the papers their history moved to."""
        ids = {*self.retired_ids, *self.repoint, *self.repoint.values()}
        for frame in (*self.tables.values(), *self.deletes.values()):
            if "paper_id" in frame.columns:
                ids.update(frame["paper_id"].drop_nulls().to_list())
        return ids


# Entry fields copied as they are (empty lists become null, so "unknown" is one value)
_ENTRY_FIELDS: dict[str, Any] = {
    "arxiv_id": pl.String,
    "abstract": pl.String,
    "authors": pl.List(pl.String),
    "affiliations": pl.List(pl.String),
    "published_date": pl.Date,
    "submitted_date": pl.Date,
    "upvotes": pl.Int64,
    "num_comments": pl.Int64,
    "github_stars": pl.Int64,
    "github_repo": pl.String,
    "project_page": pl.String,
    "keywords": pl.List(pl.String),
    "categories": pl.List(pl.String),
    "ai_summary": pl.String,
    "arxiv_version": pl.Int64,
    "primary_category": pl.String,
    "doi": pl.String,
    "journal_ref": pl.String,
    "comment": pl.String,
    "announce_type": pl.String,
}
_ENTRY_SCHEMA: dict[str, Any] = {
    "digest_id": pl.String,
    "position": pl.Int64,
    "title_seen": pl.String,
    "title_key": pl.String,
    **_ENTRY_FIELDS,
    "digest_date": pl.Date,
    "listing": pl.String,
    "format": pl.String,
    "observed_at": pl.Datetime("us", "UTC"),
}


_ENTRY_COLUMNS = ["position", "title_seen", "title_key", *_ENTRY_FIELDS]
# a parsed digest's entry columns (``DigestTable.entries``), before the run adds its own
_PARSED_SCHEMA = {k: _ENTRY_SCHEMA[k] for k in _ENTRY_COLUMNS}
_ENTRY_ARROW = pl.DataFrame(schema=_PARSED_SCHEMA).to_arrow().schema


_FIELDS_OF = attrgetter(*_ENTRY_FIELDS)
_LIST_FIELDS = {k for k, t in _ENTRY_FIELDS.items() if isinstance(t, pl.List)}


def entry_frame(digest: ParsedDigest) -> pl.DataFrame:
    """One digest's entries: position, title as seen, its title key and the entry's fields."""
    titles = [e.title for e in digest.entries]
    cols: dict[str, Sequence[object]] = {
        "position": range(1, len(titles) + 1),
        "title_seen": titles,
        "title_key": [title_key(t) for t in titles],
    }
    # field by field, not entry by entry: parsing is a backfill's hot path
    columns = list(zip(*map(_FIELDS_OF, digest.entries), strict=True)) or [()] * len(_ENTRY_FIELDS)
    for name, column in zip(_ENTRY_FIELDS, columns, strict=True):
        cols[name] = (
            [v if v and any(v) else None for v in column] if name in _LIST_FIELDS else column
        )
    # through Arrow: Polars builds a list column from Python lists one Series per row (far slower)
    table = pa.table({k: pa.array(v, type=_ENTRY_ARROW.field(k).type) for k, v in cols.items()})
    return pl.DataFrame(pl.from_arrow(table))


def _entry_rows(files: list[DatedFile]) -> pl.DataFrame:
    """Every file's entries, each with its file's values: one concat, the file values gathered
    by file number (not a with_columns per file, whose fixed cost adds up over a batch)."""
    values = {
        "digest_id": [f.landed.sha256 for f in files],
        "digest_date": [f.digest_date for f in files],
        "listing": [f.digest.listing for f in files],
        "format": [f.digest.format for f in files],
        "observed_at": [f.landed.landed_at for f in files],
    }
    of_file = pl.DataFrame(values, schema={k: _ENTRY_SCHEMA[k] for k in values})
    parsed = [f.digest.entries for f in files]
    number = pl.Series(
        [i for i, df in enumerate(parsed) for _ in range(df.height)], dtype=pl.UInt32
    )
    entries = pl.concat([pl.DataFrame(schema=_PARSED_SCHEMA), *parsed], rechunk=True)
    return pl.concat([entries, of_file[number]], how="horizontal").select(list(_ENTRY_SCHEMA))


def published_slice(
    scan_papers: Callable[[dict[str, list[str]]], pl.LazyFrame],
    aliases: pl.LazyFrame,
    keys: list[str],
    ids: list[str],
    title_only_keys: list[str],
    near: pl.DataFrame | None = None,
) -> Published:
    """Read only the published rows this batch can touch: its ids, title-keyed papers under its
    title keys, the paper each of ``title_only_keys`` (titles of entries without an id that the
    batch cannot resolve itself) resolves to, and aliases. ``scan_papers`` scans the papers
    files whose key bounds hold the given values.

    (Titles repeat across distinct papers: a title resolves to the lowest arXiv id published
    under it, as ``_resolve_ids`` picks, so only that row is read, not every paper of the title.)
    """
    # match on the key columns first, then read whole rows of the matches only, from the few
    # files whose paper_id bounds hold them. Ids and titles are scanned apart: ids open the
    # few files of their range, title keys (hashes) open most files, and one scan of both
    # would test the ids against every file too
    by_id = (
        scan_papers({"paper_id": [*ids, *keys]})
        .select("paper_id")
        .filter(pl.col("paper_id").is_in(ids) | pl.col("paper_id").is_in(keys))
    )
    by_title = (
        scan_papers({"title_key": title_only_keys})
        .select("paper_id", "title_key", "arxiv_id")
        .filter(pl.col("title_key").is_in(title_only_keys) & pl.col("arxiv_id").is_not_null())
        .group_by("title_key")
        .agg(pl.col("paper_id").min())
    )
    hits = pl.concat([by_id, by_title.select("paper_id")]).collect()
    # a near match's two papers, when published: the title-keyed one merges into the other
    matched = [] if near is None else [*near["title_key"], *near["paper_id"]]
    wanted = pl.concat([hits["paper_id"], pl.Series(matched, dtype=pl.String)]).unique().to_list()
    pub = Published(
        papers=scan_papers({"paper_id": wanted}).filter(pl.col("paper_id").is_in(wanted)).collect(),
        aliases=aliases.filter(pl.col("alias_id").is_in(keys)).collect(),
    )
    if near is not None:
        pub.near = near
    return pub


def batch_keys(files: list[DatedFile]) -> tuple[list[str], list[str], list[str]]:
    """The batch's title keys, arXiv ids, and the title keys that only published papers can
    resolve: those of entries that came without an id, unless an entry of the batch with an
    id has the same title (``_resolve_ids`` prefers the batch's id; most such titles are)."""
    both = pl.concat(
        [pl.DataFrame(schema={"title_key": pl.String, "arxiv_id": pl.String})]
        + [f.digest.entries.select("title_key", "arxiv_id") for f in files]
    )
    keys = both["title_key"].unique().sort().to_list()
    ids = both["arxiv_id"].drop_nulls().unique().sort().to_list()
    with_id = both.filter(pl.col("arxiv_id").is_not_null())["title_key"].implode()
    untitled = (
        both.filter(pl.col("arxiv_id").is_null() & ~pl.col("title_key").is_in(with_id))["title_key"]
        .unique()
        .sort()
        .to_list()
    )
    return keys, ids, untitled


_ATTRS = [
    "arxiv_id",
    "title",
    "abstract",
    "published_date",
    "categories",
    "github_repo",
    "project_page",
    "keywords",
    "ai_summary",
    "arxiv_version",
    "primary_category",
    "doi",
    "journal_ref",
    "comment",
]
# Authors come as a unit (names, affiliations, and the format that gave them), chosen from the
# most authoritative source (arXiv's API, then its RSS, then Hugging Face), newest among equals.
_SOURCE_RANK = {"arxiv_atom": 3, "arxiv_rss": 2, "hf_daily_json": 1, "hf_page_html": 1}
_AUTHOR_COLS = ["authors", "affiliations", "authors_source"]


def _author_aggs() -> list[pl.Expr]:
    has = pl.col("authors").is_not_null()
    rank = pl.col("authors_source").replace_strict(_SOURCE_RANK, default=0, return_dtype=pl.Int64)
    return [
        pl.col(c).filter(has).sort_by(rank.filter(has), maintain_order=True).last().alias(c)
        for c in _AUTHOR_COLS
    ]


def _attr_agg(column: str) -> pl.Expr:
    # the newest non-null value wins, except versions, which only go up
    if column == "arxiv_version":
        return pl.col(column).max().alias(column)
    return pl.col(column).drop_nulls().last().alias(column)


_STATS = ["first_seen", "last_seen", "n_digests", "best_position", "max_upvotes"]

# the order of a paper's observations when their values are merged: the last one's win
OBSERVATION_ORDER = ("digest_date", "digest_id", "position")


def _observation_key() -> pl.Expr:
    """An observation's place in ``OBSERVATION_ORDER`` as one string (ordered alike), kept in
    ``papers.newest_observation`` so a later run can tell whose values are newer."""
    return pl.concat_str(
        pl.col("digest_date").cast(pl.String),
        pl.col("digest_id"),
        pl.col("position").cast(pl.String).str.zfill(6),
        separator="|",
    )


def _resolve_ids(entries: pl.DataFrame, pub: Published) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give every entry its paper_id; return (entries, new aliases)."""
    # title key -> arXiv id, from this batch first, then from published papers and aliases
    batch_map = (
        entries.filter(pl.col("arxiv_id").is_not_null())
        .group_by("title_key")
        .agg(pl.col("arxiv_id").min().alias("via_batch"))
    )
    pub_map = (
        pub.papers.filter(pl.col("arxiv_id").is_not_null())
        .group_by("title_key")
        .agg(pl.col("paper_id").min().alias("via_published"))
    )
    alias_map = pub.aliases.select(
        pl.col("alias_id").alias("title_key"), pl.col("paper_id").alias("via_alias")
    )
    near_map = pub.near.select("title_key", pl.col("paper_id").alias("via_near"))
    resolved = (
        entries.join(batch_map, on="title_key", how="left")
        .join(pub_map, on="title_key", how="left")
        .join(alias_map, on="title_key", how="left")
        .join(near_map, on="title_key", how="left")
        .with_columns(
            pl.coalesce(
                "arxiv_id", "via_batch", "via_published", "via_alias", "via_near", "title_key"
            ).alias("paper_id"),
            # an almost matching title counts only where no exact one resolves the entry
            (
                pl.coalesce("arxiv_id", "via_batch", "via_published", "via_alias").is_null()
                & pl.col("via_near").is_not_null()
            ).alias("_near"),
        )
        .drop("via_batch", "via_published", "via_alias", "via_near")
    )
    # a published title-keyed paper whose title now comes with an arXiv id: merge the two
    title_keyed = pub.papers.filter(pl.col("arxiv_id").is_null()).select("paper_id")
    merged_keys = (
        resolved.filter(pl.col("arxiv_id").is_not_null())
        .group_by("title_key")
        .agg(pl.col("arxiv_id").min().alias("paper_id"))
        .join(title_keyed, left_on="title_key", right_on="paper_id", how="semi")
    )
    # a title-only sighting resolved to an arXiv id leaves the same alias whichever came first,
    # so one run or many, in any order, give the same paper_aliases
    resolved_keys = resolved.filter(
        pl.col("arxiv_id").is_null()
        & (pl.col("paper_id") != pl.col("title_key"))
        & ~pl.col("_near")
    ).select("title_key", "paper_id")
    exact = (
        pl.concat([merged_keys, resolved_keys]).group_by("title_key").agg(pl.col("paper_id").min())
    )
    # near: the batch's title-only entries resolved so, and published title-keyed papers that
    # almost match one id-bearing paper (unless an exact title merges them)
    near_keys = pl.concat(
        [
            resolved.filter(pl.col("_near")).select("title_key"),
            pub.near.join(title_keyed, left_on="title_key", right_on="paper_id", how="semi").select(
                "title_key"
            ),
        ]
    ).join(exact, on="title_key", how="anti")
    near = pub.near.join(near_keys.unique(), on="title_key", how="semi")
    resolved = resolved.drop("_near")
    new_aliases = (
        pl.concat(
            [
                exact.with_columns(
                    pl.lit("title_match").alias("reason"), pl.lit(100.0).alias("score")
                ),
                near.select("title_key", "paper_id", pl.lit("near_title").alias("reason"), "score"),
            ]
        )
        .join(pub.aliases.select(pl.col("alias_id").alias("title_key")), on="title_key", how="anti")
        .sort("title_key")
        .select(pl.col("title_key").alias("alias_id"), "paper_id", "reason", "score")
    )
    return resolved, new_aliases


def _nullify_empty_lists(df: pl.DataFrame) -> pl.DataFrame:
    lists = [c for c, t in df.schema.items() if isinstance(t, pl.List)]
    return df.with_columns(
        [pl.when(pl.col(c).list.len() > 0).then(pl.col(c)).alias(c) for c in lists]
    )


def _papers(
    entries: pl.DataFrame, new_aliases: pl.DataFrame, pub: Published, run_id: str
) -> tuple[pl.DataFrame, int]:
    # one total order over observations, from their content alone (digest date, then digest,
    # then position), so same-day ties resolve alike in one run or many, in any order
    ordered = _nullify_empty_lists(entries).sort(*OBSERVATION_ORDER)
    batch = (
        ordered.rename({"title_seen": "title", "format": "authors_source"})
        .group_by("paper_id")
        .agg(
            *[_attr_agg(c) for c in _ATTRS],
            *_author_aggs(),
            _observation_key().max().alias("newest_observation"),
            pl.col("digest_date").min().alias("first_seen"),
            pl.col("digest_date").max().alias("last_seen"),
            pl.col("digest_id").n_unique().cast(pl.Int64).alias("n_digests"),
            pl.col("position").min().alias("best_position"),
            pl.col("upvotes").max().alias("max_upvotes"),
        )
    )
    # published rows of the same papers, plus title-keyed rows merging into them
    alias_to = dict(
        zip(new_aliases["alias_id"].to_list(), new_aliases["paper_id"].to_list(), strict=True)
    )
    old = pub.papers.filter(
        pl.col("paper_id").is_in(batch["paper_id"].implode())
        | pl.col("paper_id").is_in(list(alias_to))
    ).with_columns(pl.col("paper_id").replace(alias_to))
    # published papers keep no affiliations (paper_authors does); let the batch's stand
    old = _nullify_empty_lists(old).with_columns(
        pl.lit(None, dtype=pl.List(pl.String)).alias("affiliations")
    )
    combined = pl.concat(
        [
            batch.with_columns(pl.lit(1).alias("_new")),
            old.select(batch.columns).with_columns(pl.lit(0).alias("_new")),
        ],
        how="vertical_relaxed",
    ).sort(  # the newest observation's values win, whatever order runs came in
        pl.coalesce("newest_observation", pl.col("last_seen").cast(pl.String)),
        "_new",
        maintain_order=True,
    )
    merged = combined.group_by("paper_id").agg(
        # newest information wins; what only the older row had is kept
        *[_attr_agg(c) for c in _ATTRS],
        *_author_aggs(),
        pl.col("newest_observation").max(),
        pl.col("first_seen").min(),
        pl.col("last_seen").max(),
        pl.col("n_digests").sum(),
        pl.col("best_position").min(),
        pl.col("max_upvotes").max(),
    )
    # the arXiv id keys the paper once known; keep it in arxiv_id even when only the key had it
    merged = merged.with_columns(
        pl.when(pl.col("paper_id").str.starts_with("t:"))
        .then(pl.col("arxiv_id"))
        .otherwise(pl.col("paper_id"))
        .alias("arxiv_id"),
        pl.col("title").map_elements(title_key, return_dtype=pl.String).alias("title_key"),
        pl.lit(None, dtype=pl.String).alias("short_name"),
        pl.lit(run_id).alias("updated_run_id"),
    )
    # a paper is new unless it was published before, under its id or as a title it now merges from
    published = set(pub.papers["paper_id"].to_list())
    known = published | {target for alias, target in alias_to.items() if alias in published}
    new_count = merged.filter(~pl.col("paper_id").is_in(list(known))).height
    return merged, new_count


def candidate_papers(digests: Sequence[tuple[str, str, DigestTable]]) -> pl.DataFrame:
    """The papers these digests (sha256, file name, digest) stage, as far as they alone tell:
    each keyed by its arXiv id (else its title key), its newest non-null fields as ``_papers``
    merges them. Without the published rows, so what a process parsing ahead can build (to
    enrich ahead)."""
    # in ``_papers``' order (OBSERVATION_ORDER) as far as a file tells it: its landing day is
    # not known yet, which only a digest dated by nothing else needs
    empty = pl.DataFrame(schema={**_PARSED_SCHEMA, "digest_date": pl.Date, "digest_id": pl.String})
    entries = pl.concat(
        [
            empty,
            *(
                d.entries.with_columns(
                    pl.lit(digest_date_of(d, name, date.max)[0], pl.Date).alias("digest_date"),
                    pl.lit(sha).alias("digest_id"),
                )
                for sha, name, d in digests
            ),
        ]
    )
    return (
        _nullify_empty_lists(entries)
        .sort(*OBSERVATION_ORDER)
        .rename({"title_seen": "title"})
        .group_by(pl.coalesce("arxiv_id", "title_key").alias("paper_id"), maintain_order=True)
        .agg(_attr_agg(c) for c in ENRICHMENT_INPUTS)
    )


def stage(files: list[DatedFile], pub: Published, run_id: str) -> Staged:
    """Build every table's new rows for this run."""
    entries = _entry_rows(files)
    resolved, new_aliases = _resolve_ids(entries, pub)
    papers, new_count = _papers(resolved, new_aliases, pub, run_id)
    month = pl.col("digest_date").dt.strftime("%Y-%m").alias("digest_month")

    digest_entries = resolved.with_columns(month, pl.lit(run_id).alias("run_id"))
    digests = pl.DataFrame(
        {
            "digest_id": [f.landed.sha256 for f in files],
            "format": [f.digest.format for f in files],
            "listing": [f.digest.listing for f in files],
            "digest_date": [f.digest_date for f in files],
            "digest_date_source": [f.date_source for f in files],
            "n_entries": [f.digest.entries.height for f in files],
            "original_name": [f.landed.original_name for f in files],
            "landed_at": [f.landed.landed_at for f in files],
        },
        schema_overrides={
            "digest_date": pl.Date,
            "landed_at": pl.Datetime("us", "UTC"),
            "n_entries": pl.Int64,
        },
    ).with_columns(month, pl.lit(run_id).alias("run_id"))

    # authors: rewrite a paper's list only when this batch brought one that differs
    new_lists = papers.select("paper_id", "authors", "affiliations").filter(
        pl.col("authors").is_not_null()
    )
    old_lists = pub.papers.select("paper_id", pl.col("authors").alias("old"))
    changed = new_lists.join(old_lists, on="paper_id", how="left").filter(
        pl.col("old").is_null() | (pl.col("old") != pl.col("authors"))
    )
    paper_authors = (
        changed.select(
            "paper_id",
            pl.col("authors").alias("name"),
            # affiliations align with authors when given; else one null per author
            pl.when(pl.col("affiliations").list.len() == pl.col("authors").list.len())
            .then(pl.col("affiliations"))
            .otherwise(pl.col("authors").list.eval(pl.lit(None, dtype=pl.String)))
            .alias("affiliation"),
        )
        .explode("name", "affiliation")
        .with_columns(pl.col("affiliation").replace("", None))
        .with_columns(
            (pl.int_range(pl.len()).over("paper_id") + 1).cast(pl.Int64).alias("position")
        )
    )
    # positions past the new list's end, and every author row of a retired key, go away
    old_len = changed.filter(pl.col("old").is_not_null()).select(
        "paper_id",
        pl.col("old").list.len().alias("n_old"),
        pl.col("authors").list.len().alias("n_new"),
    )
    stale = (
        old_len.filter(pl.col("n_old") > pl.col("n_new"))
        .select(
            "paper_id", pl.int_ranges(pl.col("n_new") + 1, pl.col("n_old") + 1).alias("position")
        )
        .explode("position")
        .with_columns(pl.col("position").cast(pl.Int64))
    )
    retired_authors = (
        pub.papers.filter(pl.col("paper_id").is_in(new_aliases["alias_id"].implode()))
        .select("paper_id", pl.col("authors").list.len().alias("n"))
        .filter(pl.col("n") > 0)
        .select("paper_id", pl.int_ranges(1, pl.col("n") + 1).alias("position"))
        .explode("position")
        .with_columns(pl.col("position").cast(pl.Int64))
    )

    tables = {
        "digests": digests,
        "digest_entries": digest_entries,
        "papers": papers,
        "paper_aliases": new_aliases.with_columns(pl.lit(run_id).alias("run_id")),
        "paper_authors": paper_authors,
    }
    tables = {name: BY_NAME[name].conform(df) for name, df in tables.items()}
    return Staged(
        run_id=run_id,
        tables=tables,
        repoint=dict(
            zip(new_aliases["alias_id"].to_list(), new_aliases["paper_id"].to_list(), strict=True)
        ),
        deletes={
            "papers": new_aliases.select(pl.col("alias_id").alias("paper_id")),
            "paper_authors": pl.concat([stale, retired_authors], how="vertical_relaxed"),
        },
        retired_ids=new_aliases["alias_id"].to_list(),
        new_papers=new_count,
        merged_papers=int(pub.papers["paper_id"].is_in(new_aliases["alias_id"].implode()).sum()),
        expected_entries={f.landed.sha256: f.digest.entries.height for f in files},
    )


def raw_files_rows(landed: list[LandedFile], quarantined: set[str], run_id: str) -> pl.DataFrame:
    return BY_NAME["raw_files"].conform(
        pl.DataFrame(
            {
                "sha256": [f.sha256 for f in landed],
                "format": [f.format for f in landed],
                "original_name": [f.original_name for f in landed],
                "bytes": [f.n_bytes for f in landed],
                "raw_path": [f.raw_path for f in landed],
                "status": ["quarantined" if f.sha256 in quarantined else "parsed" for f in landed],
                "landed_at": [f.landed_at for f in landed],
                "run_id": [run_id] * len(landed),
            },
            schema_overrides={"landed_at": pl.Datetime("us", "UTC"), "bytes": pl.Int64},
        )
    )
