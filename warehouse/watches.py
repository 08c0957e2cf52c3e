"""Watches: saved queries over the warehouse. A watch's conditions are AND-ed: a BM25 query
(the search's), a topic, an author, a term, a category, a minimum of upvotes, and ``rising``
(the paper carries a term that ``rising_terms`` flags in a week it was seen). The queries are
``sql/watches/*.sql``; a watch's history is the ``watches`` table, its matches ``watch_hits``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import polars as pl

from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from datetime import datetime

    import duckdb

    from warehouse.lake import Lake

CONDITIONS = ("query", "topic", "author", "term", "category", "min_upvotes", "rising")
# papers a watch's query can match: BM25 ranks them all, a watch keeps the best this many
QUERY_LIMIT = 10_000


class WatchError(ValueError):
    """A watch that cannot be added or removed as asked (its reason is the message)."""


@dataclass(frozen=True)
class Watch:
    name: str
    query: str | None = None
    topic: str | None = None
    author: str | None = None
    term: str | None = None
    category: str | None = None
    min_upvotes: int | None = None
    rising: bool = False

    def conditions(self) -> dict[str, Any]:
        """The conditions set (``rising`` only when true)."""
        return {k: v for k, v in asdict(self).items() if k != "name" and v not in (None, False)}

    def row(self, action: str, run_id: str, at: datetime) -> pl.DataFrame:
        """Its ``watches`` row for ``action``."""
        values = {**asdict(self), "action": action, "changed_at": at, "run_id": run_id}
        return BY_NAME["watches"].conform(pl.DataFrame([values]))

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> Watch:
        return cls(
            name=row["name"],
            **{k: row[k] for k in CONDITIONS if k != "rising"},
            rising=bool(row["rising"]),
        )


def sql_text(name: str) -> str:
    return files("warehouse").joinpath("sql", "watches", f"{name}.sql").read_text(encoding="utf-8")


def active(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The active watches, one row each (the ``watches`` columns)."""
    return con.execute(sql_text("active")).pl()


def matches(lake: Lake, con: duckdb.DuckDBPyConnection, watch: Watch) -> pl.DataFrame:
    """The papers ``watch`` matches now: columns paper_id, why."""
    query_ids = None
    if watch.query:
        from warehouse.search import search

        query_ids = [h.paper_id for h in search(lake, watch.query, limit=QUERY_LIMIT)]
    params = {k: getattr(watch, k) for k in CONDITIONS}
    frame = con.execute(sql_text("matches"), {**params, "query_ids": query_ids}).pl()
    return frame.select("paper_id", "why")
