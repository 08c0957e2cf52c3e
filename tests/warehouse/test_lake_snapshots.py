"""A lake object trusts its table snapshots only while it holds the lock and until its own
next write; tables checkpoint every 10 commits, old tables get that on their next write."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from tests.helpers import CLOCK
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path


def _terms(ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "paper_id": ids,
            "term": ["t"] * len(ids),
            "score": [1.0] * len(ids),
            "method": "extracted",
        }
    )


def _ids(lake: Lake, name: str = "paper_terms") -> list[str]:
    return sorted(lake.scan(name, lake.current_version(name)).collect()["paper_id"].to_list())


def test_a_run_sees_its_own_writes_and_the_next_lock_sees_other_writers(tmp_path: Path) -> None:
    ours, theirs = Lake.at(tmp_path / "lake", clock=CLOCK), Lake.at(tmp_path / "lake", clock=CLOCK)
    with ours.locked():
        ours.append("paper_terms", _terms(["2101.00001"]), "r1")
        assert _ids(ours) == ["2101.00001"]
        ours.upsert("paper_terms", _terms(["2101.00002"]), "r2")  # append, then own files
        ours.upsert(
            "paper_terms",
            _terms([]),
            "r3",
            delete_keys=pl.DataFrame({"paper_id": ["2101.00001"], "term": ["t"]}),
        )
        assert _ids(ours) == ["2101.00002"]
        version = ours.current_version("paper_terms")
    with theirs.locked():  # another process's run, after ours
        theirs.upsert("paper_terms", _terms(["2101.00003"]), "r4")
    with ours.locked():  # our snapshot is behind: the lock makes us look again
        assert version is not None
        assert ours.current_version("paper_terms") == version + 1
        assert _ids(ours) == ["2101.00002", "2101.00003"]


def test_tables_checkpoint_every_10_commits_and_old_tables_get_it(tmp_path: Path) -> None:
    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    for i in range(12):
        lake.append("paper_terms", _terms([f"2101.{i:05d}"]), f"r{i}")
    log = tmp_path / "lake" / "tables" / "paper_terms" / "_delta_log"
    assert (log / f"{9:020d}.checkpoint.parquet").exists()
    assert DeltaTable(str(log.parent)).metadata().configuration["delta.checkpointInterval"] == "10"

    # a table made before the setting: the next write gives it, and keeps the rows
    older = Lake.at(tmp_path / "older", clock=CLOCK)
    uri = older.table_uri("paper_terms")
    write_deltalake(uri, pa.Table.from_pylist(_terms(["2101.00001"]).to_dicts()))
    assert "delta.checkpointInterval" not in DeltaTable(uri).metadata().configuration
    older.upsert("paper_terms", _terms(["2101.00002"]), "r")
    assert DeltaTable(uri).metadata().configuration["delta.checkpointInterval"] == "10"
    assert _ids(older) == ["2101.00001", "2101.00002"]
