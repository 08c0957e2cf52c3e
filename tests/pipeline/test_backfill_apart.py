"""The CLI backfill runs its batches in processes of their own (a fresh one every few
batches) and rebuilds views and marts after them: the warehouse of one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from bench.crash_harness import hashes
from flows.cli import main
from pipeline.backfill import (
    backfill_apart,
    parsed_ahead,
    plan_batches,
    process_shares,
    run_backfill,
)
from pipeline.parsing import parse_paths
from pipeline.report import EXIT_QUARANTINE
from pipeline.settings import Settings
from tests.helpers import NOW, backfill_corpus
from tests.warehouse.test_incremental_marts import assert_marts_equal, mart_frames
from warehouse.clock import Clock
from warehouse.lake import Lake

pytestmark = pytest.mark.integration


def test_processes_take_equal_shares_and_a_short_tail_no_process_of_its_own() -> None:
    def sizes(n: int, per: int) -> list[int]:
        shares = process_shares(n, per)
        assert [b for r in shares for b in r] == list(range(n))  # every batch once, in order
        return [len(r) for r in shares]

    assert sizes(41, 20) == [21, 20]
    assert sizes(51, 20) == [17, 17, 17]
    assert sizes(10, 20) == [10]
    assert sizes(1, 20) == [1]
    assert sizes(70, 20) == [18, 18, 18, 16]
    assert sizes(5, 2) == [3, 2]


def test_batches_in_processes_of_two_build_the_serial_warehouse(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    batches = plan_batches([backfill_corpus(tmp_path / "corpus")], 5)
    assert len(batches) >= 3
    serial = run_backfill(lambda: Settings.build(lake=tmp_path / "serial"), batches)
    apart = backfill_apart(str(tmp_path / "apart"), batches, Clock.at(NOW), per_process=2)
    assert [(r.status, r.entries, r.new_papers, len(r.quarantined)) for r in apart] == [
        (r.status, r.entries, r.new_papers, len(r.quarantined)) for r in serial
    ]
    assert sum(r.entries for r in apart) > 100
    assert any(r.quarantined for r in apart)
    assert hashes(tmp_path / "apart") == hashes(tmp_path / "serial")
    # numbered across processes
    out = capfd.readouterr().out  # (printed by the child processes)
    assert f"batch {len(batches)}/{len(batches)}:" in out
    assert "batch 3/" in out


def test_the_cli_backfill_runs_batches_apart_and_rebuilds_views_and_marts_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = backfill_corpus(tmp_path / "corpus")
    batches = plan_batches([source], 5)
    run_backfill(lambda: Settings.build(lake=tmp_path / "serial"), batches)

    code = main(["backfill", str(source), "--lake", str(tmp_path / "cli"), "--batch-files", "5"])
    assert code == EXIT_QUARANTINE  # broken.json
    assert "views and marts rebuilt" in capsys.readouterr().out
    assert hashes(tmp_path / "cli") == hashes(tmp_path / "serial")
    for name in ("serial", "cli"):  # both published and built their views file
        lake = Lake.at(tmp_path / name)
        ledger = lake.latest_ledger()
        assert ledger
        assert (tmp_path / name / "warehouse.duckdb").exists()

    # the same marts, on the newest state (landing times differ between the two lakes)
    def landed_apart(lake: Path) -> dict[str, pl.DataFrame]:
        frames = mart_frames(lake)
        return {n: df.select(pl.exclude(pl.Datetime("us", "UTC"))) for n, df in frames.items()}

    assert_marts_equal(landed_apart(tmp_path / "cli"), landed_apart(tmp_path / "serial"))


def test_batches_are_parsed_and_enriched_ahead_by_a_helper_and_a_failed_parse_falls_back(
    tmp_path: Path,
) -> None:
    batches = plan_batches([backfill_corpus(tmp_path / "corpus")], 5)[:3]
    # a file gone before its batch runs: the helper raises, the run parses (and reports) it
    batches.insert(2, [tmp_path / "gone.json"])
    warmed = []
    got = list(parsed_ahead(batches, 10_000_000, meanwhile=lambda: warmed.append(True)))
    assert warmed == [True]
    assert len(got) == len(batches)
    assert got[2] is None  # parsed by the run itself
    for i in (0, 1, 3):
        batch, ahead = batches[i], got[i]
        assert ahead is not None
        assert ahead.enrichment is not None
        outcomes = ahead.outcomes
        assert outcomes == parse_paths([str(p) for p in batch], 10_000_000)
        assert outcomes
        assert all(o.digest or o.refusal for o in outcomes.values())
        assert ahead.enrichment.inputs.height
        assert ahead.enrichment.rows["paper_terms"].height


def test_a_batch_enriched_ahead_holds_every_paper_it_stages_on_an_empty_lake(
    tmp_path: Path,
) -> None:
    # papers listed in two listings of a day (at different positions) take their fields from
    # the one the stage takes them from, so the run enriches none of them again
    from pipeline.parsing import parse_ahead, parse_files
    from pipeline.stages import land, stage_tables

    files = plan_batches([backfill_corpus(tmp_path / "corpus")], 100)[0]
    ahead = parse_ahead([str(p) for p in files], 10_000_000)
    settings = Settings.build(lake=tmp_path / "lake")
    landed = land(files, settings.lake, settings.now).new
    parsed, refused = parse_files(landed, settings.lake, settings, outcomes=ahead.outcomes)
    papers = stage_tables(parsed, landed, refused, settings.lake, "r1").tables["papers"]

    _, rest = ahead.enrichment.split(papers)
    assert papers.height > 50
    assert rest.height == 0


def test_the_cli_process_plans_a_backfill_without_importing_the_pipeline() -> None:
    # it only waits for the batch processes, and its size counts in the backfill's peak
    code = (
        "import sys, flows.cli, pipeline.backfill; "
        "print(sorted(m for m in ('polars', 'deltalake', 'duckdb', 'pipeline.run') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_stopped_backfill_leaves_no_writer_behind(tmp_path: Path, sig: signal.Signals) -> None:
    import psutil

    corpus = backfill_corpus(tmp_path / "corpus")
    lake = tmp_path / "lake"
    cmd = [str(Path(sys.executable).parent / "paperdigest"), "backfill", str(corpus)]
    proc = subprocess.Popen(
        [*cmd, "--lake", str(lake), "--batch-files", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:  # stop it once its batch process is publishing
        if "batch 1/" in line:
            break
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "the backfill runs its batches in child processes"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"{len(alive)} processes outlived the backfill"
    published = len(list((lake / "runs").glob("*.json")))
    time.sleep(3)
    assert len(list((lake / "runs").glob("*.json"))) == published  # nobody publishes on
    # nobody holds the lake: the next run takes the lock at once and completes the history
    assert subprocess.run(
        [*cmd, "--lake", str(lake)], env={**os.environ, "PAPERDIGEST_LOCK_WAIT_S": "1"}
    ).returncode in (0, 3)
