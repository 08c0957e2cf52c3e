"""Several `paperdigest run` processes on one lake at once, with readers querying throughout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.crash_harness import READ_VIEWS, READER
from samples import bundled_samples
from tests.helpers import query
from warehouse.lake import Lake

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent / "paperdigest"


@pytest.mark.slow
def test_concurrent_writers_all_finish_and_readers_are_never_blocked(tmp_path: Path) -> None:
    files = sorted(bundled_samples().iterdir())
    groups = [files[0::3], files[1::3], files[2::3]]
    lake = tmp_path / "lake"
    lake.mkdir()
    env = {**os.environ, "PAPERDIGEST_LOCK_WAIT_S": "120"}
    readers = [
        subprocess.Popen(  # plain DuckDB, started in the lake's folder
            [sys.executable, "-c", READER, "warehouse.duckdb", "25", ",".join(READ_VIEWS)],
            cwd=lake,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    writers = []
    for i, group in enumerate(groups):
        folder = tmp_path / f"in{i}"
        folder.mkdir()
        for f in group:
            shutil.copy(f, folder / f.name)
        writers.append(
            subprocess.Popen(
                [str(BIN), "run", str(folder), "--lake", str(lake), "--no-prefect"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    sql_ok = 0
    while any(w.poll() is None for w in writers):
        if (lake / "warehouse.duckdb").exists():
            done = subprocess.run(
                [
                    str(BIN),
                    "sql",
                    "SELECT count(*) FROM papers",
                    "--lake",
                    str(lake),
                    "--format",
                    "csv",
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            sql_ok += 1
        time.sleep(0.2)
    codes = [w.wait() for w in writers]
    assert codes == [0, 0, 0], [w.stdout.read() if w.stdout else "" for w in writers]
    for r in readers:
        out, err = r.communicate(timeout=60)
        ok, failed, mixed = map(int, out.split())
        assert (failed, mixed) == (0, 0), err
        assert ok > 0, err
    assert query(lake, "SELECT count(*) FROM digests") == [(8,)]
    statuses = sorted(s for (s,) in query(lake, "SELECT status FROM run_health"))
    assert statuses == ["published"] * 3
    print(f"3 concurrent runs completed; {sql_ok} `paperdigest sql` calls during them")


def test_a_held_lock_times_out_with_a_clear_message(tmp_path: Path) -> None:
    lake = Lake.at(tmp_path / "lake")
    env = {**os.environ, "PAPERDIGEST_LOCK_WAIT_S": "0.5"}
    with lake.locked():
        r = subprocess.run(
            [str(BIN), "run", str(bundled_samples()), "--lake", str(lake.root), "--no-prefect"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert r.returncode == 1
    assert "another paperdigest run holds" in r.stdout
