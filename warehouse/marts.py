"""Parquet marts for dashboards: each analytics view, cast to its mart contract, written beside
and renamed over the old file (Polars' write_parquet truncates in place, so never write the
live file directly)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import duckdb

from warehouse.contracts.marts import MARTS

if TYPE_CHECKING:
    from pathlib import Path

    from warehouse.lake import Lake


def marts_dir(lake: Lake) -> Path:
    return lake.root / "marts"


def write_marts(lake: Lake) -> dict[str, int]:
    """Refresh every mart from the views file; returns rows per mart."""
    out = marts_dir(lake)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(lake.views_path), read_only=True)
    try:
        for mart in MARTS:
            df = mart.conform(con.execute(f'SELECT * FROM "{mart.name}"').pl())
            target = out / f"{mart.name}.parquet"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            df.write_parquet(tmp)
            os.replace(tmp, target)
            counts[mart.name] = df.height
    finally:
        con.close()
    return counts
