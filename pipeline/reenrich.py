"""Re-enrich published papers: when the key-phrase model, the taxonomy or another enrichment
changes, papers published before keep their old rows until a digest lists them again. This
recomputes every enrichment table from the papers' published inputs, in batches of papers, each
batch one run: gated like any run, published atomically, recorded in the ledger and ``runs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from pipeline.progress import Progress, no_progress
from pipeline.stages import enrichment_keys
from pipeline.table_runs import run_tables
from transforms.enrichment import ENRICHMENT_INPUTS, enrichment_frames, stale_keys
from transforms.normalize import Staged

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.report import RunReport
    from pipeline.settings import Settings

# papers per run: a batch's enrichment frames and the files its upserts rewrite stay small
BATCH_PAPERS = 50_000


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
    wanted = ids.to_list()

    def build(run_id: str) -> tuple[Staged, str]:
        papers = (
            lake.scan_with_keys("papers", {"paper_id": wanted})
            .filter(pl.col("paper_id").is_in(wanted))
            .select("paper_id", *ENRICHMENT_INPUTS)
            .collect()
        )
        frames = enrichment_frames(papers)
        deletes = stale_keys(frames, enrichment_keys(lake, wanted))
        staged = Staged(run_id=run_id, tables=frames, deletes=deletes)
        return staged, f"re-enriched {papers.height} papers"

    return run_tables(settings, build, refresh, progress)
