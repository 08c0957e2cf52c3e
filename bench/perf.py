"""Performance benchmark (issue 5's keys): backfill vs a bare-Polars floor, incremental cost on
small vs large history, fixed overhead per run, and view query times.

Scale is a parameter: ``days_small``/``days_large`` stand for 1 and 5 years (365 and 1825 days
at full scale). Figures are measured in one process run; compare ratios, not seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from xml.etree.ElementTree import fromstring

import polars as pl

from samples.generator import SampleSpec
from warehouse import duck
from warehouse.lake import Lake
from warehouse.views import SQL_VIEWS

if TYPE_CHECKING:
    from collections.abc import Callable

BIN = Path(sys.executable).parent / "paperdigest"
START = date(2021, 1, 4)
T = TypeVar("T")
# one new day is measured on this many consecutive days (and fixed costs this many times): the
# median, since one run on a shared 2-core machine can be off by a third
DAYS = 3


def _spec(days: int) -> SampleSpec:
    return SampleSpec(
        days=days,
        seed=42,
        start=START,
        per_day=50,
        rss_categories=("cs.AI", "cs.CL", "cs.LG"),
        rss_per_weekday=300,
        weekly_text=True,
    )


def _child(args: list[str]) -> tuple[float, int]:
    """Run a paperdigest command; (seconds, its peak RSS in MB, sampled every 0.1 s). A command
    that fails stops the bench with its error.

    Sampled, not ``ru_maxrss``: a child forked from a big parent counts the parent's pages
    until it execs, so rusage would report this process's size, not the command's.
    """
    import psutil

    _settle()
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(BIN), *args], stdout=subprocess.DEVNULL, stderr=err)
        watched = psutil.Process(proc.pid)
        peak, family, listed = 0, [watched], 0.0
        while proc.poll() is None:
            # finding the children walks every process on the machine (1.9% of a core at 10 Hz
            # here, 0.5% so, taken from the command measured): every second, sizes every 0.1 s
            if time.perf_counter() - listed >= 1.0:
                with contextlib.suppress(psutil.Error):
                    family = [watched, *watched.children(recursive=True)]
                listed = time.perf_counter()
            rss = 0
            for p in family:
                with contextlib.suppress(psutil.Error):  # an exited one's memory is gone
                    rss += p.memory_info().rss
            peak = max(peak, rss)
            time.sleep(0.1)
        seconds = time.perf_counter() - t0
        # a failed command's seconds measure nothing (0: done, 3: published with quarantine)
        if proc.returncode not in (0, 3):
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"paperdigest {' '.join(args)} exited {proc.returncode}:\n{tail}")
    return seconds, peak >> 20


def _stolen_s() -> float | None:
    """CPU seconds the hypervisor has given other guests so far (steal, in /proc/stat), all
    CPUs together; None where there is no such count. This machine is shared: a command whose
    cores were stolen for 20 CPU-seconds can read up to 20 s slower with no change of its own."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _settle() -> None:
    """Write out the files earlier steps left in the page cache, before a measurement starts.

    Here the kernel starts writing dirty pages in the background only past ~2.4 GB (10% of
    memory) or after 30 s, so a backfill's or the corpus's gigabytes would otherwise be flushed
    during whatever is measured next, and its fsyncs wait behind them: one new day's run on
    a fresh copy of a 5-year lake took 9.38-10.27 s with its 2 GB unwritten, 8.88-9.10 s after
    ``sync``.
    """
    os.sync()


def _with_steal(measure: Callable[[], T]) -> tuple[T, float | None]:
    """``measure()``, and the CPU seconds stolen while it ran."""
    _settle()
    start = _stolen_s()
    result = measure()
    end = _stolen_s()
    return result, round(end - start, 1) if start is not None and end is not None else None


def _seconds(args: list[str]) -> float:
    return _child(args)[0]


def _next_full_days(by_day: dict[date, list[Path]], after: date, n: int = DAYS) -> list[date]:
    return sorted(
        d
        for d, files in by_day.items()
        if d >= after
        and any(f.suffix == ".json" for f in files)
        and sum(f.suffix == ".xml" for f in files) == 3
    )[:n]


def _median_of(measure: Callable[[], float], n: int = DAYS) -> tuple[float, list[float]]:
    runs = [measure() for _ in range(n)]
    return statistics.median(runs), [round(r, 2) for r in runs]


def floor(corpora: list[Path], out: Path) -> tuple[float, int]:
    """The shortest plain code producing the same entry rows (id, title, abstract, authors,
    categories, counts): parse, one frame, one Parquet. No gate, no Prefect, no merge."""
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    dc = "{http://purl.org/dc/elements/1.1/}creator"
    for f in sorted(f for corpus in corpora for f in corpus.iterdir()):
        data = f.read_bytes()
        if f.suffix == ".json":
            for pos, item in enumerate(json.loads(data), 1):
                p = item["paper"]
                rows.append(
                    {
                        "file": f.name,
                        "position": pos,
                        "paper_id": p.get("id"),
                        "title": " ".join(p["title"].split()),
                        "abstract": " ".join((p.get("summary") or "").split()),
                        "authors": [a.get("name") for a in p.get("authors") or []],
                        "categories": None,
                        "upvotes": p.get("upvotes"),
                        "num_comments": item.get("numComments"),
                    }
                )
        elif f.suffix == ".xml":
            for pos, item in enumerate(fromstring(data).iter("item"), 1):
                guid = item.findtext("guid") or ""
                desc = item.findtext("description") or ""
                rows.append(
                    {
                        "file": f.name,
                        "position": pos,
                        "paper_id": guid.rsplit(":", 1)[-1].split("v")[0],
                        "title": " ".join((item.findtext("title") or "").split()),
                        "abstract": " ".join(desc.partition("Abstract:")[2].split()),
                        "authors": (item.findtext(dc) or "").split(", "),
                        "categories": [c.text for c in item.iter("category")],
                        "upvotes": None,
                        "num_comments": None,
                    }
                )
        else:
            paras = [p.strip() for p in data.decode().split("\n\n") if p.strip()]
            rows += [
                {"file": f.name, "position": i, "paper_id": None, "title": t}
                for i, t in enumerate(paras, 1)
            ]
    pl.DataFrame(
        rows,
        schema_overrides={
            "upvotes": pl.Int64,
            "num_comments": pl.Int64,
            "authors": pl.List(pl.String),
            "categories": pl.List(pl.String),
        },
    ).write_parquet(out)
    return time.perf_counter() - t0, len(rows)


def gx_import_seconds() -> float:
    """GX's import and context, in a fresh process: paid once per process that validates."""
    code = (
        "import time; t = time.perf_counter(); from expectations.suites import warm_up; "
        "warm_up(); print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip().splitlines()[-1])


_GX_FIXED = """
import sys, tempfile, time
from pathlib import Path
from expectations.suites import validate, warm_up
from pipeline.stages import land, stage_tables
from pipeline.parsing import parse_files
from pipeline.settings import Settings
from samples import bundled_samples
from warehouse.contracts import BY_NAME
warm_up()
settings = Settings.build(lake=Path(tempfile.mkdtemp()))
landed = land([bundled_samples()], settings.lake, settings.now).new
parsed, refused = parse_files(landed, settings.lake, settings)
tables = {n: df.head(1) for n, df in stage_tables(parsed, landed, refused, settings.lake, "r").tables.items()}
for n, df in tables.items():
    validate(BY_NAME[n], df)  # suites built, caches warm
t = time.perf_counter()
for n, df in tables.items():
    validate(BY_NAME[n], df)
print(time.perf_counter() - t)
"""


def gx_validate_fixed_seconds() -> float:
    """GX's cost of validating every table's suite on one row each (a fresh process, warm): the
    per-expectation machinery a run pays whatever the size of its data."""
    out = subprocess.run(
        [sys.executable, "-c", _GX_FIXED], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def _days(folder: Path) -> str:
    days = sorted(folder.iterdir())
    files = sorted({len(list(d.iterdir())) for d in days})
    return f"{', '.join(d.name for d in days)} ({'/'.join(map(str, files))} files a day)"


def queries(lake: Path, repeat: int = 5) -> dict[str, float]:
    _settle()
    con = duck.connect(Lake.at(lake))
    day = con.execute("SELECT max(digest_date) FROM trending_daily").fetchone()
    sql = {
        v: f"SELECT count(*) FROM (SELECT * FROM {v})"
        for v in SQL_VIEWS
        if v != "trending_daily"  # measured for one day below, as dashboards ask it
    }
    sql["trending_daily_one_day"] = (
        f"SELECT count(*) FROM trending_daily WHERE digest_date = DATE '{day[0] if day else START}'"
    )
    out = {}
    for name, q in sql.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            con.execute(q).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = round(statistics.median(times), 1)
    con.close()
    return out


def run(days_small: int, days_large: int, batch_files: int = 120) -> dict[str, Any]:  # noqa: PLR0915 (the bench's steps in order)
    work = Path(tempfile.mkdtemp(prefix="paperdigest-perf-"))
    try:
        print(f"generating {days_large} days (and two weeks after) ...", flush=True)
        full = work / "all"
        # in a child, so this process stays small (the generator holds its papers in memory)
        spec = _spec(days_large + 14)
        subprocess.run(
            [
                str(BIN),
                "samples",
                "--days",
                str(spec.days),
                "--seed",
                str(spec.seed),
                "--start",
                spec.start.isoformat(),
                "--per-day",
                str(spec.per_day),
                "--rss-categories",
                ",".join(spec.rss_categories),
                "--rss-per-weekday",
                str(spec.rss_per_weekday),
                "--weekly-text",
                "--out",
                str(full),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        by_day: dict[date, list[Path]] = {}
        for f in full.iterdir():
            by_day.setdefault(date.fromisoformat(f.stem[-10:]), []).append(f)
        # "one new day" is the next day after a history that brings every daily source (the
        # HF daily JSON and the three RSS listings), for 1 and for 5 years alike: what a
        # scheduled run adds to that history
        small_days = _next_full_days(by_day, START + timedelta(days=days_small))
        large_days = _next_full_days(by_day, START + timedelta(days=days_large))
        large_day = large_days[0]
        # the worst case measured apart: a weekly page-text digest (titles only, matched to
        # papers by title across the whole history) landing on the 5-year lake
        weekly = sorted(
            (f for d, fs in by_day.items() if d > large_day for f in fs if f.suffix == ".txt"),
            key=lambda f: f.stem[-10:],
        )[:1]
        # the 5-year backfill runs in two legs, year 1 then years 2-5, so the 1-year lake for
        # the incremental measurement is a copy taken between them, not a second backfill
        first, rest = work / "first", work / "rest"
        new_small, new_large, new_weekly = work / "new-small", work / "new-large", work / "weekly"
        for folder in (first, rest, new_small, new_large, new_weekly):
            folder.mkdir()
        for d in small_days:  # also part of the 5-year history
            (new_small / str(d)).mkdir()
            for f in by_day[d]:
                if f.suffix != ".txt":  # the same sources every day; pages are measured apart
                    shutil.copy(f, new_small / str(d) / f.name)
        for d in large_days:
            (new_large / str(d)).mkdir()
        for f in weekly:
            shutil.copy(f, new_weekly / f.name)
        for d, files in by_day.items():
            for f in files:
                if d in large_days and f.suffix != ".txt":
                    f.rename(new_large / str(d) / f.name)
                elif d >= large_day:
                    f.unlink()
                elif d < START + timedelta(days=days_small):
                    f.rename(first / f.name)
                else:
                    f.rename(rest / f.name)
        (floor_s, floor_rows), floor_stolen = _with_steal(
            lambda: floor([first, rest], work / "floor.parquet")
        )
        print(f"floor: {floor_rows} rows in {floor_s:.1f} s ({floor_stolen} s stolen)", flush=True)

        def backfill(corpus: Path, lake: Path) -> tuple[float, int]:
            args = ["backfill", str(corpus), "--lake", str(lake), "--batch-files", str(batch_files)]
            return _child(args)

        (first_s, first_mb), first_stolen = _with_steal(
            lambda: backfill(first, work / "lake-large")
        )
        print(f"backfill, year 1: {first_s:.1f} s ({first_stolen} s stolen)", flush=True)
        shutil.copytree(work / "lake-large", work / "lake-small")
        (rest_s, peak_mb), rest_stolen = _with_steal(lambda: backfill(rest, work / "lake-large"))
        backfill_s, peak_mb = first_s + rest_s, max(first_mb, peak_mb)
        con = duck.connect(Lake.at(work / "lake-large"))
        row = con.execute("SELECT count(*) FROM digest_entries").fetchone()
        entries = int(row[0]) if row else 0
        con.close()
        print(
            f"backfill: {entries} entries in {backfill_s:.1f} s, peak {peak_mb} MB "
            f"({rest_stolen} s stolen in years 2-5)",
            flush=True,
        )
        small = first
        overhead_s, noop_runs = _median_of(
            lambda: _seconds(
                ["run", str(small), "--lake", str(work / "lake-small"), "--no-prefect"]
            )
        )  # noop: process start, imports, lake open, landing checks
        prefect_noop_s, _ = _child(["run", str(small), "--lake", str(work / "lake-small")])
        gx_s, gx_runs = _median_of(gx_import_seconds)
        gx_validate_s = gx_validate_fixed_seconds()

        def days_on(lake: Path, days: Path) -> tuple[float, list[float]]:
            # consecutive new days, each landing on the history the one before it left
            folders = iter(sorted(days.iterdir()))
            return _median_of(
                lambda: _seconds(["run", str(next(folders)), "--lake", str(lake), "--no-prefect"])
            )

        one_small, small_runs = days_on(work / "lake-small", new_small)
        one_large, large_runs = days_on(work / "lake-large", new_large)
        weekly_s, _ = _child(
            ["run", str(new_weekly), "--lake", str(work / "lake-large"), "--no-prefect"]
        )
        fixed = overhead_s + gx_s
        return {
            "scale": {
                "days_small": days_small,
                "days_large": days_large,
                "hf_per_day": 50,
                "rss_categories": 3,
                "rss_per_weekday": 300,
                "weekly_text": True,
            },
            "backfill": {
                "batch_files": batch_files,
                "legs_s": [round(first_s, 1), round(rest_s, 1)],
                "seconds": round(backfill_s, 1),
                "entries": entries,
                "entries_per_second": round(entries / backfill_s),
                "peak_rss_mb": peak_mb,
                # CPU seconds stolen by the hypervisor during each leg (both CPUs together)
                "steal_s": [first_stolen, rest_stolen],
            },
            "floor": {"seconds": round(floor_s, 1), "rows": floor_rows, "steal_s": floor_stolen},
            "ratio_backfill_vs_floor": round(backfill_s / floor_s, 2),
            "incremental": {
                "new_day_small": _days(new_small),
                "new_day_large": _days(new_large),
                # the median of the consecutive days' runs (each run in the list)
                "one_day_on_small_s": round(one_small, 2),
                "one_day_on_large_s": round(one_large, 2),
                "one_day_runs_small_s": small_runs,
                "one_day_runs_large_s": large_runs,
                "ratio_5y_vs_1y": round(one_large / one_small, 2),
                "work_on_small_s": round(one_small - fixed, 2),
                "work_on_large_s": round(one_large - fixed, 2),
                # the same, also apart from GX's fixed validation cost (one row per table)
                "work_apart_from_gx_validation_small_s": round(
                    one_small - fixed - gx_validate_s, 2
                ),
                "work_apart_from_gx_validation_large_s": round(
                    one_large - fixed - gx_validate_s, 2
                ),
                "weekly_text_on_large_s": round(weekly_s, 2),
            },
            "overhead": {
                "noop_run_s": round(overhead_s, 2),
                "noop_runs_s": noop_runs,
                "gx_import_and_context_s": round(gx_s, 2),
                "gx_import_runs_s": gx_runs,
                "gx_validate_one_row_per_table_s": round(gx_validate_s, 2),
                "noop_run_with_prefect_s": round(prefect_noop_s, 2),
                "per_run_fixed_s": round(fixed, 2),
            },
            "queries": queries(work / "lake-large"),
        }
    finally:
        if os.environ.get("PAPERDIGEST_BENCH_KEEP"):  # keep the lakes to profile them after
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
