"""Kill ``paperdigest run`` with SIGKILL at stage boundaries and at random moments, then rerun,
checking after every kill that readers saw a whole run or none, that no raw file was lost, and
that the rerun ends with the tables of a clean run. Used by the tests and by ``bench/crash.py``."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.contracts import ALL
from warehouse.lake import Lake
from warehouse.views import SQL_VIEWS

if TYPE_CHECKING:
    from collections.abc import Callable

DATA_TABLES = [t.name for t in ALL if t.gated]
STAGE_POINTS = [
    "after-prepare",
    "after-land",
    "after-parse",
    "after-gate",
    *[
        f"after-commit:{t}"
        for t in (
            "raw_files",
            "digests",
            "digest_entries",
            "papers",
            "paper_authors",
            "paper_links",
            "paper_topics",
            "paper_terms",
            "paper_mentions",
        )
    ],
    "before-ops-tables",
    "before-ledger",
    "after-ledger",
    "after-mart:papers_by_week",
    "after-mart:paper_history",
    "after-views-swap",
    "after-views",
]
# what a reader compares: every base view and every analytics view (the marts among them),
# but run_health, which a rerun rightly changes (one more run)
READ_VIEWS = [t.name for t in ALL if t.gated] + [v for v in SQL_VIEWS if v != "run_health"]
BIN = Path(sys.executable).parent / "paperdigest"
# a plain-DuckDB reader in a tight loop, started in the lake's folder: argv views file, seconds,
# the views to read; prints its reads, failed reads and mixed reads (a state that disagrees
# with itself: a mart-backed view against the base views it summarizes)
READER = """
import duckdb, os, sys, time
views = sys.argv[3].split(",")
# one run's state agrees with itself: each mart-backed view against the base views it
# summarizes, in the same read
CHECK = (
    "SELECT (SELECT count(*) FROM papers) = (SELECT count(*) FROM paper_history), "
    "(SELECT count(*) FROM papers_by_week) = (SELECT count(*) FROM (SELECT DISTINCT "
    "CAST(date_trunc('week', coalesce(submitted_date, digest_date)) AS DATE), paper_id "
    "FROM digest_entries)), "
    "(SELECT count(*) FROM new_vs_returning) = (SELECT count(DISTINCT digest_date) "
    "FROM digest_entries), "
    "(SELECT max(last_seen) FROM paper_history) IS NOT DISTINCT FROM "
    "(SELECT max(last_seen) FROM papers)"
)
ok = failed = mixed = 0
deadline = time.monotonic() + float(sys.argv[2])
stop = sys.argv[4] if len(sys.argv) > 4 else None
while time.monotonic() < deadline and not (stop and os.path.exists(stop)):
    try:
        con = duckdb.connect(sys.argv[1], read_only=True)
        for v in views:
            con.execute(f'SELECT count(*) FROM "{v}"').fetchone()
        agree = con.execute(CHECK).fetchone()
        if not all(agree):
            mixed += 1
            print("mixed read:", agree, file=sys.stderr)
        con.close()
        ok += 1
    except Exception as e:  # noqa: BLE001
        if "No such file" in str(e) or "does not exist" in str(e):
            time.sleep(0.05)  # before the first publish there is no views file yet
            continue
        failed += 1
        print("reader failed:", e, file=sys.stderr)
    time.sleep(0.02)
print(ok, failed, mixed)
"""


def readers_during(lake: Path, work: Callable[[], None], n: int = 2) -> tuple[int, int, int]:
    """(reads, failed, mixed) of ``n`` readers looping while ``work`` publishes into ``lake``."""
    lake.mkdir(parents=True, exist_ok=True)
    stop = lake.parent / f".{lake.name}.readers-stop"
    stop.unlink(missing_ok=True)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                "warehouse.duckdb",
                "600",
                ",".join(READ_VIEWS),
                str(stop),
            ],
            cwd=lake,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    try:
        work()
    finally:
        stop.touch()
    totals = [0, 0, 0]
    for p in procs:
        out, _ = p.communicate(timeout=120)
        for i, v in enumerate(map(int, out.split())):
            totals[i] += v
    stop.unlink(missing_ok=True)
    return totals[0], totals[1], totals[2]


@dataclass
class CrashReport:
    tried: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def reader_counts(lake: Path) -> tuple[int, ...] | None:
    """What a reader of the views sees, every view's rows in one connection (None before the
    first publish)."""
    path = lake / "warehouse.duckdb"
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("SET file_search_path = ?", [str(lake)])
        counts = ", ".join(f'(SELECT count(*) FROM "{v}")' for v in READ_VIEWS)
        row = con.execute(f"SELECT {counts}").fetchone()
        assert row is not None
        return tuple(int(n) for n in row)
    finally:
        con.close()


def hashes(lake: Path) -> dict[str, str]:
    lk = Lake.at(lake)
    return {t: lk.content_hash(t) for t in DATA_TABLES}


def raw_files_present(lake: Path) -> bool:
    lk = Lake.at(lake)
    paths = lk.scan("raw_files").select("raw_path").collect()["raw_path"].to_list()
    return all((lake / p).exists() for p in paths)


def run_cli(
    lake: Path, inputs: Path, crash_at: str | None = None, kill_after_s: float | None = None
) -> int:
    env = {**os.environ, "PAPERDIGEST_LOCK_WAIT_S": "60"}
    env.pop("PAPERDIGEST_CRASH_AT", None)
    if crash_at:
        env["PAPERDIGEST_CRASH_AT"] = crash_at
    proc = subprocess.Popen(
        [str(BIN), "run", str(inputs), "--lake", str(lake), "--no-prefect"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if kill_after_s is not None:
        try:
            return proc.wait(timeout=kill_after_s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=300)


def split_samples(work: Path, samples: Path) -> tuple[Path, Path]:
    """The first half of the sample files (published before each trial) and the second half."""
    files = sorted(samples.iterdir())
    first, second = work / "first", work / "second"
    for folder, part in ((first, files[:4]), (second, files[4:])):
        folder.mkdir(parents=True)
        for f in part:
            shutil.copy(f, folder / f.name)
    return first, second


def crash_campaign(
    work: Path, first: Path, second: Path, points: list[str], random_kills: int, seed: int = 7
) -> CrashReport:
    """``first`` is published before each trial; the killed run ingests ``second``."""
    base, clean = work / "base", work / "clean"
    assert run_cli(base, first) == 0
    shutil.copytree(base, clean)
    t0 = time.monotonic()
    assert run_cli(clean, second) == 0
    full_run_s = time.monotonic() - t0
    before, after, reference = reader_counts(base), reader_counts(clean), hashes(clean)
    rng = random.Random(seed)
    trials = [(p, None) for p in points] + [
        (f"random-{i}", rng.uniform(0.3, full_run_s)) for i in range(random_kills)
    ]
    report = CrashReport()
    for name, delay in trials:
        lake = work / f"trial-{len(report.tried)}"
        shutil.copytree(base, lake)
        report.tried.append(name)
        code = run_cli(lake, second, crash_at=None if delay else name, kill_after_s=delay)
        problems = []
        if delay is None and code != -signal.SIGKILL:
            problems.append(f"expected SIGKILL, exit {code}")
        seen = reader_counts(lake)
        if seen not in (before, after):
            problems.append(f"a reader saw a partial run: {seen} (before {before}, after {after})")
        if not raw_files_present(lake):
            problems.append("a raw file was lost")
        if run_cli(lake, second) != 0:
            problems.append("the rerun failed")
        if reader_counts(lake) != after:
            problems.append(f"after the rerun a reader sees {reader_counts(lake)}, not {after}")
        if hashes(lake) != reference:
            diff = [t for t, h in hashes(lake).items() if h != reference[t]]
            problems.append(f"tables differ from a clean run: {diff}")
        if problems:
            report.failures.append(f"{name}: {'; '.join(problems)}")
        else:
            report.survived.append(name)
        shutil.rmtree(lake, ignore_errors=True)
    return report
