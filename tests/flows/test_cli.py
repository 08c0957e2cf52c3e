"""The ``paperdigest`` command end to end, through the real Prefect flow (one harness per session)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from flows.cli import main
from samples import bundled_samples
from samples.items import hf_item
from tests.helpers import write_json

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.prefect


def test_run_then_sql_then_rerun(
    prefect_harness: None, lake_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(bundled_samples()), "--lake", str(lake_dir)]) == 0
    out = capsys.readouterr().out
    assert "published (exit 0)" in out
    assert "8 seen, 8 new" in out
    assert "warehouse.duckdb" in out
    assert "try: paperdigest sql" in out

    assert (
        main(
            [
                "sql",
                "SELECT count(*) AS n FROM digests",
                "--lake",
                str(lake_dir),
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"n": 8}]
    assert (
        main(
            [
                "sql",
                "SELECT listing, count(*) AS n FROM digests GROUP BY 1",
                "--lake",
                str(lake_dir),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == ["listing,n", "daily,8"]

    assert main(["run", str(bundled_samples()), "--lake", str(lake_dir)]) == 0
    assert "noop (exit 0)" in capsys.readouterr().out

    bad = tmp_path / "in"
    write_json(bad / "ok_2026-11-24.json", [hf_item("2611.09999", "One More Paper", "2026-11-24")])
    (bad / "broken.json").write_text('[{"paper": ')
    assert main(["run", str(bad), "--lake", str(lake_dir)]) == 3
    out = capsys.readouterr().out
    assert "quarantined" in out
    assert "broken.json" in out
    assert "truncated JSON" in out


def test_sql_is_read_only(lake_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(bundled_samples()), "--lake", str(lake_dir), "--no-prefect"]) == 0
    capsys.readouterr()
    assert main(["sql", "CREATE TABLE x AS SELECT 1", "--lake", str(lake_dir)]) == 1
    assert "read-only" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert main(["run", "--date", "yesterday"]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["run", str(tmp_path / "missing"), "--lake", str(tmp_path / "lake")]) == 2
