"""A lake at any path, moved or copied: run, sql, plain DuckDB, search, report and marts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from flows.cli import main
from samples import bundled_samples
from samples.items import hf_item
from tests.helpers import CLOCK, query, write_json

pytestmark = pytest.mark.integration

if TYPE_CHECKING:
    from pathlib import Path

PLAIN = (
    "import duckdb; c = duckdb.connect('warehouse.duckdb', read_only=True); "
    "print(c.execute('SELECT count(*) FROM papers').fetchone()[0], "
    "c.execute('SELECT count(*) FROM paper_history').fetchone()[0])"
)


def sql(lake: Path, text: str, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()
    assert main(["sql", text, "--lake", str(lake), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return [list(r.values()) for r in rows]


def plain_duckdb(lake: Path) -> tuple[int, int]:
    """What the DuckDB library alone reads, started in the lake's folder."""
    out = subprocess.run(
        [sys.executable, "-I", "-c", PLAIN], cwd=lake, capture_output=True, text=True, check=True
    )
    papers, history = out.stdout.split()
    return int(papers), int(history)


def works_end_to_end(lake: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    (papers,) = sql(lake, "SELECT count(*) AS n FROM papers", capsys)[0]
    assert plain_duckdb(lake) == (papers, papers)
    ((title,),) = sql(lake, "SELECT min(title) FROM papers", capsys)
    capsys.readouterr()
    assert main(["search", title, "--lake", str(lake), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == title
    assert main(["report", "--lake", str(lake)]) == 0
    assert (lake / "report.html").stat().st_size > 1000
    marts = sorted(p.name for p in (lake / "marts" / "paper_history").glob("*.parquet"))
    assert marts
    assert query(lake, "SELECT count(*) FROM paper_history") == [(papers,)]
    return int(papers), len(marts)


@pytest.mark.parametrize("name", ["läke with space ✓ 100%", "Données {a,b} * ? ' #lake"])
def test_a_lake_at_any_path_moved_and_copied(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAPERDIGEST_NOW", CLOCK.start.isoformat())
    lake = tmp_path / "My Drive" / name
    args = ["--lake", str(lake), "--no-prefect"]
    assert main(["run", str(bundled_samples()), *args]) == 0
    assert main(["run", str(bundled_samples()), *args]) == 0  # a second run reads it back
    papers, _ = works_end_to_end(lake, capsys)

    copy = tmp_path / "copy of it"
    shutil.copytree(lake, copy, symlinks=True)
    moved = tmp_path / "elsewhere" / f"{name} (moved)"
    moved.parent.mkdir()
    lake.rename(moved)
    assert works_end_to_end(moved, capsys)[0] == papers
    assert works_end_to_end(copy, capsys)[0] == papers
    # each one goes on by itself: a run into the copy changes nothing the moved lake reads
    extra = write_json(
        tmp_path / "extra" / "hf_2026-11-24.json",
        [hf_item("2611.07777", "Only In The Copy", "2026-11-24")],
    )
    assert main(["run", str(extra), "--lake", str(copy), "--no-prefect"]) == 0
    assert works_end_to_end(copy, capsys)[0] == papers + 1
    assert works_end_to_end(moved, capsys)[0] == papers


def test_a_lake_path_with_brackets_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake [2026]"
    assert main(["run", str(bundled_samples()), "--lake", str(lake), "--no-prefect"]) == 2
    assert "a lake path cannot hold '[' or ']'" in capsys.readouterr().out
    assert not lake.exists()
