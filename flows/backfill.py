"""Backfills: many digests in date-ordered batches, one run each, so memory stays bounded by a
batch and a failure costs one batch, not the whole history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flows.pipeline import Caller, RunReport, direct_call, refresh_outputs, run_ingest
from transforms.dates import date_in_filename
from transforms.landing import collect_paths

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from flows.settings import Settings


def plan_batches(paths: Sequence[Path], batch_files: int) -> list[list[Path]]:
    """Files in date order (the date in their name; undated ones last), ``batch_files`` a batch.

    Batches may span months: a run's fixed costs (the gate's per-expectation overhead, one
    Delta commit per table) are paid per batch, so fewer, larger batches backfill faster;
    memory stays bounded by one batch.
    """
    if batch_files < 1:
        raise ValueError("--batch-files must be at least 1")
    files = sorted(
        collect_paths(paths), key=lambda p: (date_in_filename(p.name) or date.max, p.name)
    )
    return [files[i : i + batch_files] for i in range(0, len(files), batch_files)]


def run_backfill(
    make_settings: Callable[[], Settings],
    batches: list[list[Path]],
    call: Caller = direct_call,
    on_batch: Callable[[int, int, RunReport], None] | None = None,
) -> list[RunReport]:
    """One ingest run per batch, in order; stops at a rejected or failed batch."""
    reports: list[RunReport] = []
    for i, batch in enumerate(batches, start=1):
        # views and marts are rebuilt once, by the last batch (or by the next run after a stop)
        report = run_ingest(make_settings(), batch, call=call, refresh_outputs=i == len(batches))
        reports.append(report)
        if on_batch:
            on_batch(i, len(batches), report)
        if report.status in ("rejected", "failed"):
            if i < len(batches):
                refresh_outputs(make_settings())
            break
    return reports
