"""The serial backfill parses the next batch in a worker process while the current one
publishes, and the CLI runs the batches in a process of their own: same warehouse; a worker
that fails hands the batch back to the run."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest

from flows.backfill import parse_ahead, plan_batches, run_backfill
from flows.cli import main
from flows.pipeline import EXIT_QUARANTINE, parse_paths
from flows.settings import Settings
from tests.flows.test_idempotency import hashes
from tests.warehouse.test_incremental_marts import assert_marts_equal, mart_frames
from transforms.samplegen import SampleSpec, generate
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path

MAX_BYTES = 50_000_000


def corpus(tmp_path: Path) -> Path:
    out = tmp_path / "corpus"
    generate(
        SampleSpec(
            days=5,
            seed=12,
            start=date(2026, 4, 6),
            per_day=15,
            rss_categories=("cs.AI",),
            rss_per_weekday=25,
            weekly_text=True,
        ),
        out,
    )
    (out / "broken.json").write_text("[{]")  # quarantined either way
    return out


def test_parsing_ahead_builds_the_serial_warehouse(tmp_path: Path) -> None:
    batches = plan_batches([corpus(tmp_path)], 4)
    assert len(batches) >= 3
    outcomes = list(parse_ahead(batches, MAX_BYTES))
    assert len(outcomes) == len(batches)
    assert all(
        o == parse_paths([str(p) for p in b], MAX_BYTES)
        for o, b in zip(outcomes, batches, strict=True)
    )

    serial = run_backfill(lambda: Settings.build(lake=tmp_path / "serial"), batches)
    ahead = run_backfill(
        lambda: Settings.build(lake=tmp_path / "ahead"),
        batches,
        outcomes=parse_ahead(batches, MAX_BYTES),
    )
    assert [(r.status, r.entries, r.new_papers, len(r.quarantined)) for r in ahead] == [
        (r.status, r.entries, r.new_papers, len(r.quarantined)) for r in serial
    ]
    assert sum(r.entries for r in ahead) > 100
    assert any(r.quarantined for r in ahead)
    assert hashes(tmp_path / "ahead") == hashes(tmp_path / "serial")


def test_a_batch_the_worker_cannot_parse_is_left_to_the_run(tmp_path: Path) -> None:
    batches = plan_batches([corpus(tmp_path)], 3)[:3]
    gone = tmp_path / "gone.json"  # vanished after planning: the worker's read fails
    outcomes = list(parse_ahead([batches[0], [*batches[1], gone], batches[2]], MAX_BYTES))
    assert outcomes[1] is None
    assert outcomes[0] and outcomes[2]
    assert outcomes[2] == parse_paths([str(p) for p in batches[2]], MAX_BYTES)


def test_the_cli_backfill_runs_batches_apart_and_rebuilds_views_and_marts_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = corpus(tmp_path)
    batches = plan_batches([source], 4)
    run_backfill(lambda: Settings.build(lake=tmp_path / "serial"), batches)

    code = main(["backfill", str(source), "--lake", str(tmp_path / "cli"), "--batch-files", "4"])
    assert code == EXIT_QUARANTINE  # broken.json
    assert "views and marts rebuilt" in capsys.readouterr().out
    assert hashes(tmp_path / "cli") == hashes(tmp_path / "serial")
    for name in ("serial", "cli"):  # the same marts, on the newest state
        lake = Lake.at(tmp_path / name)
        ledger = lake.latest_ledger()
        assert ledger and (tmp_path / name / "warehouse.duckdb").exists()

    # (landing times differ between the two lakes)
    def landed_apart(lake: Path) -> dict[str, pl.DataFrame]:
        frames = mart_frames(lake)
        return {n: df.select(pl.exclude(pl.Datetime("us", "UTC"))) for n, df in frames.items()}

    assert_marts_equal(landed_apart(tmp_path / "cli"), landed_apart(tmp_path / "serial"))
