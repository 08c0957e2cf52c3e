"""Every view a reader opens answers from one run's state, marts included; a mart whose files
do not match its state is rebuilt, not trusted."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from typing import TYPE_CHECKING

import duckdb

from bench.crash_harness import READ_VIEWS
from samples import bundled_samples
from tests.helpers import NOW, ingest, query
from warehouse.lake import Lake
from warehouse.marts import mart_keys

if TYPE_CHECKING:
    from pathlib import Path


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {v: con.execute(f'SELECT count(*) FROM "{v}"').fetchone()[0] for v in READ_VIEWS}  # type: ignore[index]


def open_reader(lake: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True)
    con.execute("SET file_search_path = ?", [str(lake)])
    return con


def halves(tmp_path: Path) -> tuple[Path, Path]:
    files = sorted(bundled_samples().iterdir())
    out = []
    for i, part in enumerate((files[:4], files[4:])):
        folder = tmp_path / f"half{i}"
        folder.mkdir()
        for f in part:
            shutil.copy(f, folder / f.name)
        out.append(folder)
    return out[0], out[1]


def test_a_connection_held_across_a_publish_keeps_reading_one_run(tmp_path: Path) -> None:
    first, second = halves(tmp_path)
    lake = tmp_path / "lake"
    ingest(lake, first)
    held = open_reader(lake)
    before = counts(held)
    ingest(lake, second, now=NOW + timedelta(hours=1))
    # the old views file still answers, every view of it from the first run
    assert counts(held) == before
    assert held.execute("SELECT count(*) FROM paper_history").fetchone() == (before["papers"],)
    held.close()
    fresh = open_reader(lake)
    after = counts(fresh)
    fresh.close()
    assert after["papers"] > before["papers"]
    assert after["paper_history"] == after["papers"]


def test_mart_files_leave_only_after_the_grace_period(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first, second = halves(tmp_path)
    lake = tmp_path / "lake"
    ingest(lake, first)
    old = set(mart_keys(Lake.at(lake), "paper_history"))
    ingest(lake, second, now=NOW + timedelta(minutes=10))
    files = {str(p.relative_to(lake)) for p in (lake / "marts" / "_files").rglob("*.parquet")}
    assert old <= files  # an open views file of the first run still reads them
    state = json.loads((lake / "marts" / "_state.json").read_text())
    assert old <= set(state["retired"])
    # an hour and more later, the next run removes them
    ingest(lake, bundled_samples(), now=NOW + timedelta(hours=2))
    files = {str(p.relative_to(lake)) for p in (lake / "marts" / "_files").rglob("*.parquet")}
    assert not old & files
    # what dashboards glob is the current state, one file per part
    current = mart_keys(Lake.at(lake), "paper_history")
    dashboard = sorted((lake / "marts" / "paper_history").glob("*.parquet"))
    assert [p.name for p in dashboard] == sorted(
        k.split("/")[-1].split(".")[0] + ".parquet" for k in current
    )
    n = query(lake, "SELECT count(*) FROM papers")[0][0]
    assert duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{lake}/marts/paper_history/*.parquet')"
    ).fetchone() == (n,)


def test_a_deleted_or_damaged_mart_file_is_rebuilt(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest(lake, bundled_samples())
    clean = query(lake, "SELECT count(*) FROM paper_history")
    keys = mart_keys(Lake.at(lake), "paper_history")
    assert len(keys) >= 1
    (lake / keys[0]).unlink()  # the file the state lists
    for p in (lake / "marts" / "paper_history").glob("*.parquet"):
        p.unlink()  # and what dashboards read
    report = ingest(lake, bundled_samples(), now=NOW + timedelta(minutes=5))
    assert report.status == "noop"
    assert report.exit_code == 0
    assert query(lake, "SELECT count(*) FROM paper_history") == clean
    (how,) = query(lake, "SELECT marts_refresh FROM _paperdigest_meta")[0]
    assert "files missing or changed" in json.loads(how)["rebuilt"]
    assert list((lake / "marts" / "paper_history").glob("*.parquet"))
    # a file cut short is caught by its size
    key = mart_keys(Lake.at(lake), "papers_by_week")[0]
    data = (lake / key).read_bytes()
    (lake / key).write_bytes(data[: len(data) // 2])
    ingest(lake, bundled_samples(), now=NOW + timedelta(minutes=10))
    assert query(lake, "SELECT count(*) FROM papers_by_week")[0][0] > 0
    assert query(lake, "SELECT count(*) FROM paper_history") == clean
