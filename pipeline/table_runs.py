"""Runs that publish tables no digest brought (re-enriched rows, a watch and its hits): under the
lake lock, gated, published, recorded in the ledger and ``runs``, as an ingest run is."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pipeline.finish import finish
from pipeline.progress import Progress, no_progress
from pipeline.report import EXIT_OK, EXIT_REJECTED, RunReport, new_run_id
from pipeline.stages import gate, prepare, publish

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.settings import Settings
    from transforms.normalize import Staged


def run_tables(
    settings: Settings,
    build: Callable[[str], tuple[Staged, str]],
    refresh: bool = True,
    progress: Progress = no_progress,
) -> RunReport:
    """One run publishing what ``build(run_id)`` stages (called under the lock, after recovery;
    it returns the staged tables and the run's message). Rejected when the gate fails."""
    report = run_tables_if_any(settings, build, refresh, progress)
    assert report is not None  # this build always stages something
    return report


def run_tables_if_any(
    settings: Settings,
    build: Callable[[str], tuple[Staged, str] | None],
    refresh: bool = True,
    progress: Progress = no_progress,
) -> RunReport | None:
    """``run_tables``, but when ``build`` finds nothing to stage (None) no run is made."""
    lake = settings.lake
    t0 = time.perf_counter()
    started = settings.now
    run_id = new_run_id(started)
    with lake.locked(settings.lock_wait_s):
        restored = prepare(lake)
        report = RunReport(
            run_id=run_id, status="noop", exit_code=EXIT_OK, lake=lake.root, restored=restored
        )
        built = build(run_id)
        if built is None:
            return None
        staged, message = built
        gate_report = gate(staged, settings, progress)
        report.checks = gate_report.results
        versions: dict[str, int | None] = {}
        touched: set[str] = set()
        if gate_report.passed:
            versions = publish(staged, lake)
            report.status, report.message = "published", message
            touched = staged.touched_papers()
        else:
            report.status, report.exit_code = "rejected", EXIT_REJECTED
            blocking = [f"{c.table}.{c.check}" for c in gate_report.results if c.blocking]
            report.message = "gate failed: " + ", ".join(blocking)
        report.seconds = time.perf_counter() - t0
        finish(lake, settings, report, started, versions, [], refresh, touched)
    report.seconds = time.perf_counter() - t0
    return report
