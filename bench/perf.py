"""Performance benchmark (issue 5's keys): backfill vs a bare-Polars floor, incremental cost on
small vs large history, fixed overhead per run, and view query times.

Scale is a parameter: ``days_small``/``days_large`` stand for 1 and 5 years (365 and 1825 days
at full scale). Figures are measured in one process run; compare ratios, not seconds.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import fromstring

import duckdb
import polars as pl

from transforms.samplegen import SampleSpec, generate
from warehouse.views import SQL_VIEWS

BIN = Path(sys.executable).parent / "paperdigest"
START = date(2021, 1, 4)


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
    """Run a paperdigest command; (seconds, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(
        [str(BIN), *args], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(after, before) // 1024


def floor(corpus: Path, out: Path) -> tuple[float, int]:
    """The shortest plain code producing the same entry rows: parse, one frame, one Parquet."""
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for f in sorted(corpus.iterdir()):
        data = f.read_bytes()
        if f.suffix == ".json":
            for pos, item in enumerate(json.loads(data), 1):
                p = item["paper"]
                rows.append(
                    {
                        "file": f.name,
                        "position": pos,
                        "paper_id": p.get("id"),
                        "title": p["title"],
                        "upvotes": p.get("upvotes"),
                    }
                )
        elif f.suffix == ".xml":
            for pos, item in enumerate(fromstring(data).iter("item"), 1):
                guid = item.findtext("guid") or ""
                rows.append(
                    {
                        "file": f.name,
                        "position": pos,
                        "paper_id": guid.rsplit(":", 1)[-1].split("v")[0],
                        "title": item.findtext("title"),
                        "upvotes": None,
                    }
                )
        else:
            paras = [p.strip() for p in data.decode().split("\n\n") if p.strip()]
            rows += [
                {"file": f.name, "position": i, "paper_id": None, "title": t, "upvotes": None}
                for i, t in enumerate(paras, 1)
            ]
    pl.DataFrame(rows, schema_overrides={"upvotes": pl.Int64}).write_parquet(out)
    return time.perf_counter() - t0, len(rows)


def queries(lake: Path, repeat: int = 5) -> dict[str, float]:
    con = duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True)
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


def run(days_small: int, days_large: int, batch_files: int = 64) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="paperdigest-perf-"))
    try:
        print(f"generating {days_large} days (and the next one) ...", flush=True)
        full = work / "all"
        generate(_spec(days_large + 1), full)
        last_day = START + timedelta(days=days_large)
        newest = [f for f in full.iterdir() if last_day.isoformat() in f.name]
        small, large, new_day = work / "small", work / "large", work / "new-day"
        for d in (small, large, new_day):
            d.mkdir()
        for f in full.iterdir():
            if f in newest:
                shutil.copy(f, new_day / f.name)
                continue
            day = date.fromisoformat(f.stem[-10:])
            shutil.copy(f, large / f.name)
            if day < START + timedelta(days=days_small):
                shutil.copy(f, small / f.name)
        floor_s, floor_rows = floor(large, work / "floor.parquet")
        print(f"floor: {floor_rows} rows in {floor_s:.1f} s", flush=True)
        backfill_s, peak_mb = _child(
            [
                "backfill",
                str(large),
                "--lake",
                str(work / "lake-large"),
                "--batch-files",
                str(batch_files),
            ]
        )
        con = duckdb.connect(str(work / "lake-large" / "warehouse.duckdb"), read_only=True)
        row = con.execute("SELECT count(*) FROM digest_entries").fetchone()
        entries = int(row[0]) if row else 0
        con.close()
        print(f"backfill: {entries} entries in {backfill_s:.1f} s, peak {peak_mb} MB", flush=True)
        _child(
            [
                "backfill",
                str(small),
                "--lake",
                str(work / "lake-small"),
                "--batch-files",
                str(batch_files),
            ]
        )
        overhead_s, _ = _child(
            ["run", str(small), "--lake", str(work / "lake-small"), "--no-prefect"]
        )  # noop
        one_small, _ = _child(
            ["run", str(new_day), "--lake", str(work / "lake-small"), "--no-prefect"]
        )
        one_large, _ = _child(
            ["run", str(new_day), "--lake", str(work / "lake-large"), "--no-prefect"]
        )
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
                "seconds": round(backfill_s, 1),
                "entries": entries,
                "entries_per_second": round(entries / backfill_s),
                "peak_rss_mb": peak_mb,
            },
            "floor": {"seconds": round(floor_s, 1), "rows": floor_rows},
            "ratio_backfill_vs_floor": round(backfill_s / floor_s, 2),
            "incremental": {
                "one_day_on_small_s": round(one_small, 2),
                "one_day_on_large_s": round(one_large, 2),
                "ratio_5y_vs_1y": round(one_large / one_small, 2),
            },
            "overhead": {"noop_run_s": round(overhead_s, 2)},
            "queries": queries(work / "lake-large"),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
