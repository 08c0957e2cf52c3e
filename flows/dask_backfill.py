"""The ``backfill`` Prefect flow on a Dask cluster: wiring only.

Workers parse and enrich batches ahead (pure work: bytes in, parsed digests and the enrichment
of the papers they name out); this process lands, stages, gates and publishes them one batch
at a time in date order, under the lake lock. So the warehouse is the one a serial backfill
builds, while parsing runs on every core of the cluster.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipeline.backfill import print_batch, run_backfill
from pipeline.parsing import BatchAhead, parse_ahead
from pipeline.report import RunReport
from pipeline.settings import Settings, later

if TYPE_CHECKING:
    from collections.abc import Iterator


# the task wraps the plain function as it is, so workers unpickle it by reference (a function
# defined under @task here would be a different object from the module attribute, the Task)
parse_batch = task(name="parse-batch", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)(
    parse_ahead
)


def dask_runner(workers: int | None, address: str | None) -> Any:
    """A Dask task runner: an existing cluster at ``address``, else a local one of ``workers``
    single-threaded processes (parsing holds the GIL; processes, not threads, scale it)."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers or 2,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


@flow(name="backfill", validate_parameters=False)
def backfill(
    batches: list[list[str]],
    lake: str | None = None,
    ahead: int = 2,
    show_batches: bool = True,
    now: datetime | None = None,
) -> list[RunReport]:
    # (flow parameters travel to the Dask workers with the run's context: plain data only)
    base = Settings.build(lake=lake, now=now)
    max_bytes = base.max_input_bytes

    def parsed_ahead() -> Iterator[BatchAhead]:
        # at most `ahead` batches parsed and waiting: memory stays bounded by a few batches
        pending: deque[Any] = deque()
        queued = iter(batches)
        for batch in queued:
            pending.append(parse_batch.submit(batch, max_bytes))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    return run_backfill(
        lambda: later(base),
        [[Path(p) for p in b] for b in batches],
        on_batch=print_batch if show_batches else None,
        ahead=parsed_ahead(),
    )


def run_on_dask(
    batches: list[list[Path]],
    lake: str | None,
    workers: int | None,
    address: str | None,
    now: datetime,
    show_batches: bool = True,
) -> list[RunReport]:
    flow_on_dask = backfill.with_options(task_runner=dask_runner(workers, address))
    return flow_on_dask(
        [[str(p) for p in b] for b in batches],
        lake=lake,
        ahead=max(2, workers or 2),
        show_batches=show_batches,
        now=now,
    )
