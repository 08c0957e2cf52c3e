from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from samples import bundled_samples
from samples.items import hf_item
from tests.helpers import CLOCK, NOW, ingest, query, write_json
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.integration
def test_views_file_works_with_plain_duckdb_and_no_project_code(lake_dir: Path) -> None:
    ingest(lake_dir, bundled_samples())
    # a fresh interpreter that imports only duckdb, started in the lake's folder (the views
    # name the lake's files relative to it)
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print(c.execute('SELECT count(*) FROM trending_daily').fetchone()[0], "
        "c.execute('SELECT count(*) FROM paper_history').fetchone()[0], "
        "c.execute('SELECT status FROM run_health').fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", code, "warehouse.duckdb"],
        capture_output=True,
        text=True,
        check=True,
        cwd=lake_dir,
    )
    n_trending, n_history, status = out.stdout.split()
    assert int(n_trending) == query(lake_dir, "SELECT count(*) FROM digest_entries")[0][0]
    assert int(n_history) == query(lake_dir, "SELECT count(*) FROM papers")[0][0]
    assert status == "published"


def test_trending_daily_keeps_the_latest_observation_and_ranks_by_upvotes(
    lake_dir: Path, tmp_path: Path
) -> None:
    day = "2026-11-20"
    first = write_json(
        tmp_path / "a" / f"hf_{day}.json",
        [
            hf_item("2611.00001", "Alpha", day, upvotes=5),
            hf_item("2611.00002", "Beta", day, upvotes=9),
        ],
    )
    ingest(lake_dir, first)
    refetch = write_json(
        tmp_path / "b" / f"hf_{day}.json",
        [
            hf_item("2611.00001", "Alpha", day, upvotes=30),
            hf_item("2611.00002", "Beta", day, upvotes=10),
        ],
    )
    ingest(lake_dir, refetch, now=NOW + timedelta(hours=6))  # a later observation
    rows = query(
        lake_dir, "SELECT rank_by_upvotes, paper_id, upvotes FROM trending_daily ORDER BY 1"
    )
    assert rows == [(1, "2611.00001", 30), (2, "2611.00002", 10)]
    hist = query(
        lake_dir,
        "SELECT paper_id, n_observations, days_listed, max_upvotes FROM paper_history ORDER BY 1",
    )
    assert hist == [("2611.00001", 2, 1, 30), ("2611.00002", 2, 1, 10)]


def test_recover_rolls_back_commits_newer_than_the_ledger(lake_dir: Path, tmp_path: Path) -> None:
    ingest(
        lake_dir,
        write_json(
            tmp_path / "a" / "hf_2026-11-20.json", [hf_item("2611.00001", "Alpha", "2026-11-20")]
        ),
    )
    lake = Lake.at(lake_dir, clock=CLOCK)
    pinned = lake.pinned_versions()["papers"]
    # a run that crashed after committing one table and before its ledger
    import polars as pl

    extra = lake.scan("papers").collect().with_columns(pl.lit("2611.00099").alias("paper_id"))
    lake.upsert("papers", extra, "20261125T120000000000Z-abcdef")
    assert lake.current_version("papers") == (pinned or 0) + 1
    assert query(lake_dir, "SELECT count(*) FROM papers") == [(1,)]  # readers never saw it
    restored = lake.recover()
    assert restored
    assert restored[0].startswith("papers:")
    assert lake.scan("papers", version=lake.current_version("papers")).collect()[
        "paper_id"
    ].to_list() == ["2611.00001"]
    assert lake.recover() == []  # idempotent
    nxt = ingest(
        lake_dir,
        write_json(
            tmp_path / "b" / "hf_2026-11-21.json", [hf_item("2611.00002", "Beta", "2026-11-21")]
        ),
    )
    assert nxt.status == "published"
    assert query(lake_dir, "SELECT paper_id FROM papers ORDER BY 1") == [
        ("2611.00001",),
        ("2611.00002",),
    ]


def test_a_second_run_waits_for_the_lock(lake_dir: Path) -> None:
    from warehouse.lake import LakeBusy

    lake = Lake.at(lake_dir, clock=CLOCK)
    # flock is per open file description, so a second open in-process contends like another process
    with (
        lake.locked(),
        pytest.raises(LakeBusy, match="another paperdigest run"),
        Lake.at(lake_dir).locked(wait_s=0.3),
    ):
        pass


@pytest.mark.integration
def test_a_run_removes_the_temporary_files_of_dead_writers_only(lake_dir: Path) -> None:
    ingest(lake_dir, bundled_samples())
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "60"])
    try:
        raw = next(p for p in (lake_dir / "raw").rglob("*.json")).parent
        left = [
            lake_dir / f".warehouse.duckdb.{dead.pid}.tmp",
            lake_dir / f".warehouse.duckdb.{dead.pid}.tmp.wal",
            lake_dir / "tables" / "papers" / f".part-00000-x.parquet.{dead.pid}.tmp",
            raw / f".{'a' * 64}.json.{dead.pid}.tmp",
            lake_dir / ".marts-abc123" / "parts" / "x.parquet",
        ]
        kept = lake_dir / f".search.duckdb.{alive.pid}.tmp"  # a live reader's
        for p in [*left, kept]:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(b"partial")
        report = ingest(lake_dir, bundled_samples(), now=NOW + timedelta(hours=1))
        assert "removed 5 temporary files of dead writers" in report.restored
        assert not any(p.exists() for p in left)
        assert not (lake_dir / ".marts-abc123").exists()
        assert kept.exists()
    finally:
        alive.kill()
        alive.wait()
