"""The end of a run: operational tables, the ledger (the commit point), views and marts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pipeline.faults import crashpoint
from pipeline.report import EXIT_STALE_VIEWS
from warehouse.runlog import check_results_frame, quarantine_frame, runs_frame
from warehouse.views import build_views

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime

    from pipeline.report import RunReport
    from pipeline.settings import Settings
    from warehouse.lake import Lake


def finish(
    lake: Lake,
    settings: Settings,
    report: RunReport,
    started: datetime,
    versions: dict[str, int | None],
    inputs: list[dict[str, Any]],
    refresh_outputs: bool = True,
    touched: Collection[str] | None = None,
) -> RunReport:
    """Write the operational tables and the ledger (the commit point), then swap the views.

    ``touched``: the papers the run published rows of; the marts recompute only their scope.

    ``refresh_outputs=False`` (a backfill's batches but its last) leaves views and marts on the
    previous run: readers keep a consistent older snapshot, and rebuilding marts over the whole
    history once per batch would make a backfill quadratic.
    """
    finished = settings.clock.now()
    run_id = report.run_id
    checks = [
        {
            "table_name": c.table,
            "check_name": c.check,
            "success": c.success,
            "severity": c.severity,
            "observed": c.observed,
            "n_failed": c.n_failed,
        }
        for c in report.checks
    ]
    previous = lake.pinned_versions()
    all_versions = {**previous, **versions}
    crashpoint(settings, "before-ops-tables")
    all_versions["quarantine"] = lake.append(
        "quarantine", quarantine_frame(run_id, report.quarantined, finished), run_id
    )
    all_versions["check_results"] = lake.append(
        "check_results", check_results_frame(run_id, checks), run_id
    )
    all_versions["runs"] = lake.append(
        "runs",
        runs_frame(
            {
                "run_id": run_id,
                "started_at": started,
                "finished_at": finished,
                "status": report.status,
                **report.counts,
                "checks_passed": report.checks_passed,
                "checks_failed": len(report.checks_failed),
                "code_version": settings.code_version,
                "message": report.message,
            }
        ),
        run_id,
    )
    if report.quarantined:
        payload = [q.__dict__ for q in report.quarantined]
        lake.store.write(
            lake.quarantine_key(run_id, "quarantine.json"),
            json.dumps(payload, indent=1, default=str).encode(),
        )
        if report.status == "rejected":
            failed = [
                {"table": c.table, "check": c.check, "observed": c.observed, "examples": c.examples}
                for c in report.checks_failed
            ]
            lake.store.write(
                lake.quarantine_key(run_id, "gate.json"),
                json.dumps(failed, indent=1, default=str).encode(),
            )
    crashpoint(settings, "before-ledger")
    lake.write_ledger(
        {
            "run_id": run_id,
            "status": report.status,
            "started_at": started.isoformat(),
            "finished_at": finished.isoformat(),
            "code_version": settings.code_version,
            "table_versions": all_versions,
            "inputs": inputs,
            "counts": report.counts,
            "checks": checks,
            "message": report.message,
        }
    )
    crashpoint(settings, "after-ledger")
    if refresh_outputs:
        try:
            build_views(
                lake,
                all_versions,
                run_id,
                previous,
                touched,
                settings.mart_grace_s,
                lambda step: crashpoint(settings, step),
            )
        except Exception as e:
            # the ledger is the commit point: the run stands, only its views lag behind
            if report.status not in ("published", "noop"):
                raise
            report.exit_code = EXIT_STALE_VIEWS
            report.message = (
                f"{report.status}, but the views file could not be rebuilt "
                f"({type(e).__name__}: {e}); readers see the previous run until the next run, "
                "which rebuilds it"
            )
            return report
        crashpoint(settings, "after-views")
    return report


def refresh_views_and_marts(settings: Settings) -> None:
    """Views and marts on the newest published state (after a backfill's deferred batches)."""
    lake = settings.lake
    with lake.locked(settings.lock_wait_s):
        ledger = lake.latest_ledger()
        if ledger:
            build_views(
                lake, lake.pinned_versions(), ledger["run_id"], mart_grace_s=settings.mart_grace_s
            )
