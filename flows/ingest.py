"""The Prefect ``ingest`` flow: wiring only. Each stage of ``run_ingest`` is one coarse task."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.pipeline import Progress, RunReport, run_ingest
from flows.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

# landing is content-addressed and publishing skips commits its run already made, so both are
# safe to retry (a flaky disk, a share, an object store hiccup)
_RETRIES = {"land": 2, "publish": 1}


def _as_task(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # NO_CACHE: inputs are large frames; hashing them for a cache key would cost more than the work
    make = task(
        name=name, cache_policy=NO_CACHE, retries=_RETRIES.get(name, 0), retry_delay_seconds=1
    )
    return make(fn)(*args, **kwargs)


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
        settings, [Path(p) for p in paths], call=_as_task, report_to=report_to, **kwargs
    )
