"""One whole run under the lake lock, stage by stage; a caller may wrap each stage (Prefect tasks)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.faults import crashpoint
from pipeline.finish import finish
from pipeline.parsing import parse_files
from pipeline.progress import Progress, no_progress
from pipeline.report import EXIT_OK, EXIT_QUARANTINE, EXIT_REJECTED, RunReport, new_run_id
from pipeline.stages import (
    damage_named,
    gate,
    land,
    prepare,
    publish,
    quarantine_gate_failures,
    stage_tables,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from expectations.gate import GateReport
    from pipeline.parsing import BatchAhead
    from pipeline.settings import Settings
    from transforms.normalize import Staged
    from warehouse.runlog import QuarantineRecord

T = TypeVar("T")
Caller = Callable[..., Any]


log = logging.getLogger(__name__)


def direct_call(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return fn(*args, **kwargs)


def run_ingest(
    settings: Settings,
    paths: Sequence[Path],
    call: Caller = direct_call,
    progress: Progress = no_progress,
    refresh_outputs: bool = True,
    ahead: BatchAhead | None = None,
    report_to: list[RunReport] | None = None,
) -> RunReport:
    """One whole run under the lake lock. Exit codes: 0 ok/noop, 1 rejected, 3 published with
    quarantine, 4 published with the views behind.

    ``report_to`` gets the run's report as soon as there is one, so a caller whose wiring
    fails after the ledger (Prefect's API gone) can still tell what the run did."""
    lake = settings.lake
    t0 = time.perf_counter()
    started = settings.now
    run_id = new_run_id(started)
    stage_seconds: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        t = time.perf_counter()
        try:
            return call(name, fn, *args, **kwargs)
        finally:
            stage_seconds[name] = round(time.perf_counter() - t, 3)

    with lake.locked(settings.lock_wait_s):
        restored = timed("prepare", prepare, lake)
        crashpoint(settings, "after-prepare")
        report = RunReport(
            run_id=run_id,
            status="noop",
            exit_code=EXIT_OK,
            lake=lake.root,
            restored=restored,
            stage_seconds=stage_seconds,
        )
        if report_to is not None:
            report_to.append(report)
        landed, already, too_large = timed(
            "land", land, list(paths), lake, started, progress, settings.max_input_bytes
        )
        crashpoint(settings, "after-land")
        report.files_new, report.files_already = len(landed), already
        report.files_seen = len(landed) + already + len(too_large)
        report.quarantined = list(too_large)
        inputs = [
            {
                "sha256": f.sha256,
                "name": f.original_name,
                "format": f.format,
                "raw_path": f.raw_path,
            }
            for f in landed
        ]
        versions: dict[str, int | None] = {}
        touched: set[str] = set()
        try:
            if landed:
                parsed, refused = timed(
                    "parse",
                    parse_files,
                    landed,
                    lake,
                    settings,
                    progress,
                    ahead.outcomes if ahead else None,
                )
                crashpoint(settings, "after-parse")
                refused = too_large + refused
                report.quarantined = refused
                staged = timed(
                    "stage",
                    stage_tables,
                    parsed,
                    landed,
                    refused,
                    lake,
                    run_id,
                    ahead.enrichment if ahead else None,
                )
                gate_report = timed("gate", gate, staged, settings, progress)
                crashpoint(settings, "after-gate")
                report.checks = gate_report.results
                if gate_report.passed:
                    versions = timed(
                        "publish",
                        publish,
                        staged,
                        lake,
                        lambda t: crashpoint(settings, f"after-commit:{t}"),
                    )
                    touched = _published(report, staged, refused)
                else:
                    _rejected(report, staged, gate_report, refused)
        except Exception as exc:
            _failed(report, exc, settings, inputs, t0)
            raise
        if report.status == "noop" and too_large:
            report.exit_code = EXIT_QUARANTINE
        report.seconds = time.perf_counter() - t0
        timed(
            "finish",
            finish,
            lake,
            settings,
            report,
            started,
            versions,
            inputs,
            refresh_outputs,
            touched,
        )
    report.seconds = time.perf_counter() - t0
    _record_watch_hits(settings, report, refresh_outputs)
    return report


def _record_watch_hits(settings: Settings, report: RunReport, refreshed: bool) -> None:
    """After a run that published and refreshed the views: each active watch's first-time
    matches, in a run of their own. The ingest has committed, so a failure here is reported
    and left to the next run, which catches up."""
    if report.status != "published" or not refreshed:
        return
    from pipeline.watch_runs import record_hits

    try:
        record_hits(settings)
    except Exception as exc:  # the ingest committed; the next run records what this one missed
        log.warning("recording watch hits failed (the next run catches up): %s", exc)


def _published(report: RunReport, staged: Staged, refused: list[QuarantineRecord]) -> set[str]:
    """Record a published run's counts; the papers it published rows of."""
    report.status = "published"
    report.digests = staged.tables["digests"].height
    report.entries = staged.tables["digest_entries"].height
    report.new_papers = staged.new_papers
    report.merged_papers = staged.merged_papers
    report.exit_code = EXIT_QUARANTINE if refused else EXIT_OK
    return staged.touched_papers()


def _rejected(
    report: RunReport, staged: Staged, gate_report: GateReport, refused: list[QuarantineRecord]
) -> None:
    """Record a run the gate rejected: which checks blocked it, and the rows they blame."""
    report.status = "rejected"
    report.exit_code = EXIT_REJECTED
    blocking = [f"{c.table}.{c.check}" for c in gate_report.results if c.blocking]
    report.message = "gate failed: " + ", ".join(blocking)
    report.quarantined = refused + quarantine_gate_failures(staged, gate_report)


def _failed(
    report: RunReport,
    exc: Exception,
    settings: Settings,
    inputs: list[dict[str, Any]],
    t0: float,
) -> None:
    """Roll back whatever the run committed and record its failure (the caller re-raises)."""
    lake = settings.lake
    report.status, report.exit_code = "failed", EXIT_REJECTED
    report.message = f"{type(exc).__name__}: {exc}" + damage_named(lake)
    lake.recover()
    report.seconds = time.perf_counter() - t0
    finish(lake, settings, report, settings.now, {}, inputs)
    exc.paperdigest_report = report  # type: ignore[attr-defined]
