"""The Prefect ``ingest`` flow: wiring only. Each stage of ``run_ingest`` is one coarse task."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow

from flows.tasks import as_task
from pipeline.progress import Progress
from pipeline.report import RunReport
from pipeline.run import run_ingest
from pipeline.settings import Settings


@flow(name="ingest", validate_parameters=False)
def ingest(
    paths: list[str],
    lake: str | None = None,
    explicit_date: date | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    report_to: list[RunReport] | None = None,
) -> RunReport:
    """Land, parse, normalize, gate and publish ``paths`` into the lake; ``now``: the run's
    clock (default: as ``Settings.build``)."""
    settings = Settings.build(lake=lake, explicit_date=explicit_date, now=now)
    kwargs: dict[str, Any] = {"progress": progress} if progress else {}
    return run_ingest(
        settings, [Path(p) for p in paths], call=as_task, report_to=report_to, **kwargs
    )
