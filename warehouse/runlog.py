"""The operational tables of a run (runs, check_results, quarantine), built from plain records."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime


@dataclass(frozen=True)
class QuarantineRecord:
    raw_sha256: str
    locator: str
    reason: str
    excerpt: str | None
    original_name: str
    format: str


def quarantine_frame(
    run_id: str, records: Sequence[QuarantineRecord], at: datetime
) -> pl.DataFrame:
    rows = [{**asdict(r), "run_id": run_id, "quarantined_at": at} for r in records]
    df = (
        pl.DataFrame(rows, schema_overrides={"quarantined_at": pl.Datetime("us", "UTC")})
        if rows
        else BY_NAME["quarantine"].empty_frame()
    )
    return (
        BY_NAME["quarantine"]
        .conform(df)
        .unique(["run_id", "raw_sha256", "locator"], keep="first", maintain_order=True)
    )


def check_results_frame(run_id: str, checks: Sequence[dict[str, Any]]) -> pl.DataFrame:
    if not checks:
        return BY_NAME["check_results"].empty_frame()
    df = pl.DataFrame([{**c, "run_id": run_id} for c in checks])
    return BY_NAME["check_results"].conform(df)


def runs_frame(row: dict[str, Any]) -> pl.DataFrame:
    df = pl.DataFrame(
        [row],
        schema_overrides={
            "started_at": pl.Datetime("us", "UTC"),
            "finished_at": pl.Datetime("us", "UTC"),
            "message": pl.String,
        },
    )
    return BY_NAME["runs"].conform(df)
