"""Re-enrich published papers: when the key-phrase model, the taxonomy or another enrichment
changes, papers published before keep their old rows until a digest lists them again. This
recomputes every enrichment table from the papers' published inputs, in batches of papers, each
batch one run: gated like any run, published atomically, recorded in the ledger and ``runs``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import polars as pl

from pipeline.finish import finish
from pipeline.progress import Progress, no_progress
from pipeline.report import EXIT_OK, EXIT_REJECTED, RunReport, new_run_id
from pipeline.stages import gate, prepare, publish
from transforms.enrichment import ENRICHMENT_INPUTS, ENRICHMENT_TABLES, enrichment_frames
from transforms.normalize import Staged
from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.settings import Settings

# papers per run: a batch's enrichment frames and the files its upserts rewrite stay small
BATCH_PAPERS = 50_000


def _staged(run_id: str, papers: pl.DataFrame, published: dict[str, pl.DataFrame]) -> Staged:
    """The enrichment rows of ``papers``, and the published rows of theirs they replace."""
    tables = enrichment_frames(papers)
    deletes = {}
    for name, rows in tables.items():
        key = list(BY_NAME[name].key)
        deletes[name] = published[name].join(rows.select(key), on=key, how="anti")
    return Staged(run_id=run_id, tables=tables, deletes=deletes)


def reenrich(
    settings: Settings,
    batch_papers: int = BATCH_PAPERS,
    progress: Progress = no_progress,
    on_batch: Callable[[int, int, RunReport], None] | None = None,
) -> list[RunReport]:
    """One run per ``batch_papers`` published papers, in paper-id order; stops at a rejected
    batch. Views and marts are rebuilt by the last batch."""
    lake = settings.lake
    ids = lake.scan("papers").select("paper_id").collect()["paper_id"].sort()
    batches = [ids.slice(i, batch_papers) for i in range(0, max(len(ids), 1), batch_papers)]
    reports: list[RunReport] = []
    for i, batch in enumerate(batches, start=1):
        report = _one_batch(settings, batch, refresh=i == len(batches), progress=progress)
        reports.append(report)
        if on_batch:
            on_batch(i, len(batches), report)
        if report.status != "published":
            break
    return reports


def _one_batch(settings: Settings, ids: pl.Series, refresh: bool, progress: Progress) -> RunReport:
    lake = settings.lake
    t0 = time.perf_counter()
    started = settings.now
    run_id = new_run_id(started)
    with lake.locked(settings.lock_wait_s):
        restored = prepare(lake)
        report = RunReport(
            run_id=run_id, status="noop", exit_code=EXIT_OK, lake=lake.root, restored=restored
        )
        wanted = ids.to_list()
        papers = (
            lake.scan_with_keys("papers", {"paper_id": wanted})
            .filter(pl.col("paper_id").is_in(wanted))
            .select("paper_id", *ENRICHMENT_INPUTS)
            .collect()
        )
        published = {
            name: lake.scan_with_keys(name, {"paper_id": wanted})
            .filter(pl.col("paper_id").is_in(wanted))
            .select(BY_NAME[name].key)
            .collect()
            for name in ENRICHMENT_TABLES
        }
        staged = _staged(run_id, papers, published)
        gate_report = gate(staged, settings, progress)
        report.checks = gate_report.results
        versions: dict[str, int | None] = {}
        touched: set[str] = set()
        if gate_report.passed:
            versions = publish(staged, lake)
            report.status = "published"
            report.message = f"re-enriched {papers.height} papers"
            touched = staged.touched_papers()
        else:
            report.status, report.exit_code = "rejected", EXIT_REJECTED
            blocking = [f"{c.table}.{c.check}" for c in gate_report.results if c.blocking]
            report.message = "gate failed: " + ", ".join(blocking)
        report.seconds = time.perf_counter() - t0
        finish(lake, settings, report, started, versions, [], refresh, touched)
    report.seconds = time.perf_counter() - t0
    return report
