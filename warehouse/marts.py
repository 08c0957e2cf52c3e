"""Parquet marts for dashboards: each analytics view, cast to its mart contract, written by
DuckDB beside the old file and renamed over it on a disk, or PUT whole on S3."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from warehouse import duck
from warehouse.contracts.marts import MARTS

if TYPE_CHECKING:
    from collections.abc import Collection

    from warehouse.contracts.schema import TableContract
    from warehouse.lake import Lake


def mart_key(name: str) -> str:
    return f"marts/{name}.parquet"


def mart_sql(mart: TableContract) -> str:
    cols = ", ".join(f'CAST("{c.name}" AS {c.duckdb_type}) AS "{c.name}"' for c in mart.columns)
    return f'SELECT {cols} FROM "{mart.name}"'


_STATE = "marts/_state.json"


def stale_marts(lake: Lake, data_versions: dict[str, int | None]) -> bool:
    """Were the marts built from other data table versions (or never finished)?"""
    try:
        built = json.loads(lake.store.read(_STATE))
    except (FileNotFoundError, ValueError):
        return True
    return bool(built != data_versions)


def refresh_marts(lake: Lake, data_versions: dict[str, int | None]) -> dict[str, int]:
    """Every mart when the data changed since they were built, else only run_health (runs
    change with every run; a noop run over years of history must not recompute every mart)."""
    if stale_marts(lake, data_versions):
        counts = write_marts(lake)
        lake.store.write(_STATE, json.dumps(data_versions, sort_keys=True).encode())
        return counts
    return write_marts(lake, {"run_health"})


def write_marts(lake: Lake, only: Collection[str] | None = None) -> dict[str, int]:
    """Refresh every mart (or ``only`` those) from the views file; returns rows per mart.

    DuckDB writes each mart's Parquet itself (COPY), streaming: a million-row mart never
    becomes a Python frame.
    """
    counts: dict[str, int] = {}
    local_dir = lake.root / "marts"
    local_dir.mkdir(parents=True, exist_ok=True)
    con = duck.connect(lake)
    try:
        for mart in MARTS:
            if only is not None and mart.name not in only:
                continue
            target = local_dir / f"{mart.name}.parquet"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            row = con.execute(
                f"COPY ({mart_sql(mart)}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)"
            ).fetchone()
            counts[mart.name] = int(row[0]) if row else 0
            if lake.store.remote:
                lake.store.write(mart_key(mart.name), tmp.read_bytes())
                tmp.unlink()
            else:
                os.replace(tmp, target)
    finally:
        con.close()
    return counts
