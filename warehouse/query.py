"""Read-only SQL over the published views."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

import duckdb

from warehouse import duck

if TYPE_CHECKING:
    from warehouse.lake import Lake


class NoWarehouse(RuntimeError):
    pass


class QueryFailed(RuntimeError):
    """DuckDB refused the query (a syntax error, an unknown view, a write)."""


def example_query() -> str:
    """The query a run's summary suggests trying first."""
    sql = resources.files("warehouse").joinpath("sql", "examples", "latest_trending.sql")
    return sql.read_text().strip()


def run_query(
    lake: Lake, sql: str, params: list[Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    if not lake.views_path.exists():
        raise NoWarehouse(f"no warehouse at {lake.views_path}: run `paperdigest run` first")
    con = duck.connect(lake)
    try:
        cur = con.execute(sql, params or [])
        cols = [d[0] for d in cur.description or []]
        return cols, cur.fetchall()
    except duckdb.Error as e:
        raise QueryFailed(str(e)) from e
    finally:
        con.close()


def to_csv(cols: list[str], rows: list[tuple[Any, ...]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    w.writerows(rows)
    return buf.getvalue()


def to_json(cols: list[str], rows: list[tuple[Any, ...]]) -> str:
    return json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str, indent=1)
