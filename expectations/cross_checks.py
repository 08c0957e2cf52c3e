"""Checks across tables, in Polars: the ones a per-table suite cannot express."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from expectations.check_result import CheckResult
from warehouse.contracts.rules import TITLE_MARKUP, TITLE_MOJIBAKE

# a digest dated "today" in a timezone ahead of UTC is tomorrow's date in UTC
FUTURE_TOLERANCE = timedelta(days=1)


def _result(
    table: str, check: str, bad: pl.DataFrame, key: list[str], total: int, what: str
) -> CheckResult:
    return CheckResult(
        table=table,
        check=check,
        success=bad.height == 0,
        observed=f"{bad.height} of {total} {what}" if bad.height else f"all {total} {what} pass",
        n_failed=bad.height,
        examples=bad.head(5).to_dicts(),
        failed_keys=bad.select(key).to_dicts(),
    )


def entry_papers_exist(entries: pl.DataFrame, papers: pl.DataFrame) -> CheckResult:
    bad = entries.join(papers.select("paper_id"), on="paper_id", how="anti").select(
        "digest_id", "position", "paper_id"
    )
    return _result(
        "digest_entries", "paper_exists", bad, ["digest_id", "position"], entries.height, "entries"
    )


def entries_match_parser(
    digests: pl.DataFrame, entries: pl.DataFrame, expected: dict[str, int]
) -> CheckResult:
    counts = entries.group_by("digest_id").agg(pl.len().cast(pl.Int64).alias("entries_found"))
    parser = pl.DataFrame(
        {"digest_id": list(expected), "parser_records": list(expected.values())},
        schema={"digest_id": pl.String, "parser_records": pl.Int64},
    )
    bad = (
        digests.select("digest_id", "n_entries")
        .join(parser, on="digest_id", how="full", coalesce=True)
        .join(counts, on="digest_id", how="left")
        .with_columns(pl.col("entries_found").fill_null(0))
        .filter(
            (pl.col("entries_found") != pl.col("parser_records"))
            | (pl.col("n_entries") != pl.col("parser_records"))
            | pl.col("n_entries").is_null()
            | pl.col("parser_records").is_null()
        )
    )
    return _result("digests", "entries_match_parser", bad, ["digest_id"], digests.height, "digests")


def positions_contiguous(entries: pl.DataFrame) -> CheckResult:
    bad = (
        entries.group_by("digest_id")
        .agg(
            pl.len().alias("n"),
            pl.col("position").min().alias("min_pos"),
            pl.col("position").max().alias("max_pos"),
            pl.col("position").n_unique().alias("distinct"),
        )
        .filter(
            (pl.col("min_pos") != 1)
            | (pl.col("max_pos") != pl.col("n"))
            | (pl.col("distinct") != pl.col("n"))
        )
    )
    total = entries["digest_id"].n_unique()
    return _result("digest_entries", "positions_1_to_n", bad, ["digest_id"], total, "digests")


def no_future_dates(digests: pl.DataFrame, today: date) -> CheckResult:
    bad = digests.filter(pl.col("digest_date") > today + FUTURE_TOLERANCE).select(
        "digest_id", "digest_date", "digest_date_source", "original_name"
    )
    return _result(
        "digests", "no_future_digest_date", bad, ["digest_id"], digests.height, "digests"
    )


def titles_clean(papers: pl.DataFrame) -> CheckResult:
    bad = papers.filter(
        pl.col("title").str.contains(TITLE_MARKUP) | pl.col("title").str.contains(TITLE_MOJIBAKE)
    ).select("paper_id", "title")
    return _result(
        "papers", "title_free_of_markup_and_mojibake", bad, ["paper_id"], papers.height, "papers"
    )


WATCH_CONDITIONS = ("query", "topic", "author", "term", "category", "min_upvotes")


def watches_have_a_condition(watches: pl.DataFrame) -> CheckResult:
    """A watch with no condition would match every paper: refused."""
    none_set = pl.all_horizontal(pl.col(c).is_null() for c in WATCH_CONDITIONS) & ~pl.col("rising")
    bad = watches.filter(none_set).select("name", "action")
    return _result("watches", "has_a_condition", bad, ["name"], watches.height, "watches")
