"""Parquet marts for dashboards: each analytics view, cast to its mart contract, written beside
and renamed over the old file on a disk (Polars' write_parquet truncates in place, so never
the live file directly), or PUT whole on S3."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from warehouse import duck
from warehouse.contracts.marts import MARTS

if TYPE_CHECKING:
    from warehouse.lake import Lake


def mart_key(name: str) -> str:
    return f"marts/{name}.parquet"


def write_marts(lake: Lake) -> dict[str, int]:
    """Refresh every mart from the views file; returns rows per mart."""
    counts: dict[str, int] = {}
    con = duck.connect(lake)
    try:
        for mart in MARTS:
            df = mart.conform(con.execute(f'SELECT * FROM "{mart.name}"').pl())
            buf = io.BytesIO()
            df.write_parquet(buf)
            lake.store.write(mart_key(mart.name), buf.getvalue())
            counts[mart.name] = df.height
    finally:
        con.close()
    return counts
