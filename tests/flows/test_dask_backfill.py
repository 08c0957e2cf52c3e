"""A backfill parsed on a 2-worker local Dask cluster (Prefect's Dask task runner) builds the
same warehouse as the serial backfill."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crash_harness import hashes
from pipeline.backfill import plan_batches, run_backfill
from pipeline.settings import Settings
from tests.helpers import NOW, backfill_corpus
from warehouse.lake import Lake

pytestmark = pytest.mark.integration


@pytest.mark.prefect
def test_two_dask_workers_build_the_serial_warehouse(tmp_path: Path, prefect_harness: None) -> None:
    from flows.dask_backfill import run_on_dask

    corpus = backfill_corpus(tmp_path / "corpus")
    batches = plan_batches([corpus], 5)
    assert len(batches) >= 3

    serial = run_backfill(lambda: Settings.build(lake=tmp_path / "serial"), batches)
    parallel = run_on_dask(batches, str(tmp_path / "dask"), workers=2, address=None, now=NOW)

    assert [r.status for r in parallel] == [r.status for r in serial]
    assert [(r.entries, r.new_papers, len(r.quarantined)) for r in parallel] == [
        (r.entries, r.new_papers, len(r.quarantined)) for r in serial
    ]
    assert sum(r.entries for r in parallel) > 200
    assert hashes(tmp_path / "dask") == hashes(tmp_path / "serial")
    # the last batch refreshed views and marts on both
    for lake in ("serial", "dask"):
        assert (tmp_path / lake / "marts").is_dir()
        assert Lake.at(tmp_path / lake).latest_ledger() is not None
