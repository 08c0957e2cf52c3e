"""Damaged metadata: errors that name the file, safe repairs said aloud, and ``paperdigest
check``, which reports the lake's health and changes nothing."""

from __future__ import annotations

import shutil
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from bench.crash_harness import hashes
from flows.cli import main
from samples import bundled_samples
from tests.helpers import NOW, ingest, query
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    ingest(tmp_path / "lake", bundled_samples())
    return tmp_path / "lake"


def check(lake: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", "--lake", str(lake)])
    return code, capsys.readouterr().out


def tree(lake: Path) -> dict[str, bytes]:
    return {str(p.relative_to(lake)): p.read_bytes() for p in lake.rglob("*") if p.is_file()}


def test_check_says_healthy_and_changes_nothing(
    lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(lake)
    code, out = check(lake, capsys)
    assert code == 0
    assert "healthy" in out
    assert tree(lake) == before


def test_a_torn_unpublished_commit_is_set_aside_by_the_next_run(
    lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(lake, clean)
    log = lake / "tables" / "papers" / "_delta_log"
    newest = max(int(p.stem) for p in log.glob("*.json"))
    torn = log / f"{newest + 1:020d}.json"
    torn.write_text('{"commitInfo": {"timestamp": 1}}\n{"add": {"path": "part-000')
    code, out = check(lake, capsys)
    assert code == 1
    assert f"papers v{newest + 1}" in out
    assert "not JSON" in out
    assert "moved aside" in out
    report = ingest(lake, bundled_samples(), now=LATER)
    assert report.status == "noop"
    assert any("unpublished commit" in r and ".damaged" in r for r in report.restored)
    assert not torn.exists()
    assert torn.with_name(torn.name + ".damaged").exists()
    ingest(clean, bundled_samples(), now=LATER)
    assert hashes(lake) == hashes(clean)
    assert check(lake, capsys)[0] == 0


def test_a_garbled_latest_pointer_is_read_past_and_repaired(
    lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (lake / "runs" / "LATEST").write_bytes(b"\xff\xfe garbage")
    code, out = check(lake, capsys)
    assert code == 1
    assert "runs/LATEST" in out
    assert "recomputed from ledgers" in out
    assert query(lake, "SELECT count(*) FROM digests") == [(8,)]  # readers go on
    report = ingest(lake, bundled_samples(), now=LATER)
    assert any("runs/LATEST named no ledger" in r for r in report.restored)
    assert check(lake, capsys)[0] == 0


def test_a_damaged_ledger_is_named_and_left_alone(
    lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = lake / "runs" / f"{Lake.at(lake).latest_ledger()['run_id']}.json"  # type: ignore[index]
    ledger.write_bytes(ledger.read_bytes()[:40])
    code, out = check(lake, capsys)
    assert code == 1
    assert ledger.name in out
    assert "the run ledger is damaged" in out
    capsys.readouterr()
    args = ["run", str(bundled_samples()), "--lake", str(lake), "--no-prefect"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert ledger.name in out
    assert "restore it from a backup" in out
    assert "Traceback" not in out
    assert ledger.stat().st_size == 40


def test_a_missing_data_file_is_named(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lk = Lake.at(lake)
    version = lk.pinned_versions()["papers"]
    assert version is not None
    key, _ = lk.data_files("papers", version)[0]
    (lake / key).unlink()
    code, out = check(lake, capsys)
    assert code == 1
    assert key in out
    assert "data files missing" in out


def test_a_run_over_a_missing_data_file_fails_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from samples.items import hf_item
    from tests.helpers import write_json

    lake = tmp_path / "lake"
    ingest(lake, bundled_samples())
    # a run that must read the published papers (it revisits one of them)
    (pid,) = query(lake, "SELECT min(paper_id) FROM papers WHERE paper_id NOT LIKE 't:%'")[0]
    lk = Lake.at(lake)
    version = lk.pinned_versions()["papers"]
    assert version is not None
    for key, _ in lk.data_files("papers", version):
        (lake / key).unlink()
    again = write_json(
        tmp_path / "in" / "hf_2026-11-24.json", [hf_item(pid, "Again", "2026-11-24")]
    )
    monkeypatch.setenv("PAPERDIGEST_NOW", LATER.isoformat())
    capsys.readouterr()
    assert main(["run", str(again), "--lake", str(lake), "--no-prefect"]) == 1
    out = capsys.readouterr().out
    assert "failed (exit 1)" in out
    assert "data files missing" in out
    assert "tables/papers/" in out
