from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import duckdb

from pipeline.report import RunReport
from pipeline.run import run_ingest
from pipeline.settings import Settings
from samples.generator import SampleSpec, generate
from warehouse.clock import Clock
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# the clock of a lake a test writes to directly (runs get theirs from Settings)
CLOCK = Clock.at(NOW)


def ingest(
    lake: Path, *paths: Path, explicit: date | None = None, now: datetime = NOW
) -> RunReport:
    settings = Settings.build(lake=lake, explicit_date=explicit, now=now)
    return run_ingest(settings, list(paths))


def query(lake: Path, sql: str) -> list[tuple]:
    """``sql`` on the views file as plain DuckDB reads it, started in the lake's folder."""
    con = duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True)
    try:
        con.execute("SET file_search_path = ?", [str(Lake.at(lake).engine_root)])
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write_json(path: Path, items: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items))
    return path


def backfill_corpus(out: Path) -> Path:
    """A small generated history for backfill tests (six days, every format, ~20 files) plus
    one file that is quarantined whichever way it is parsed."""
    generate(
        SampleSpec(
            days=6,
            seed=11,
            start=date(2026, 3, 2),
            per_day=20,
            rss_categories=("cs.AI", "cs.CL"),
            rss_per_weekday=30,
            weekly_text=True,
        ),
        out,
    )
    (out / "broken.json").write_text('{"error": "rate limited"}')
    return out


def machine_samples(real: Path) -> list[Path]:
    """The real samples of the machine-written formats: all but the human-written digests
    (``digests/``), which the link-digest formats read."""
    return [p for p in sorted(real.iterdir()) if p.name != "digests"]
