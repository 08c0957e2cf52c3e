"""Merged tables keep narrow, bounded files: an upsert rewrites only the files holding changed
keys, one to one, in key order, in one commit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake
from polars.testing import assert_frame_equal

from tests.helpers import CLOCK
from warehouse.contracts import BY_NAME
from warehouse.delta_files import files_with_keys, rows_per_file
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path


def _terms(ids: list[str], score: float = 1.0) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "paper_id": ids,
            "term": ["t"] * len(ids),
            "score": [score] * len(ids),
            "method": ["extracted"] * len(ids),
        },
    )


def _bounds(lake: Lake, name: str) -> pl.DataFrame:
    actions = pl.from_arrow(
        pa.table(DeltaTable(lake.table_uri(name)).get_add_actions(flatten=True))
    )
    assert isinstance(actions, pl.DataFrame)
    return actions.select(
        "path", "num_records", lo=pl.col("min.paper_id"), hi=pl.col("max.paper_id")
    ).sort("lo")


def _read(lake: Lake, name: str) -> pl.DataFrame:
    return lake.scan(name, lake.current_version(name)).collect().sort(BY_NAME[name].key)


def test_an_upsert_rewrites_only_the_files_holding_changed_keys(tmp_path: Path) -> None:
    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    years = [[f"{yy}01.{n:05d}" for n in range(10_000, 10_300)] for yy in (21, 22, 23)]
    for i, ids in enumerate(years):  # three runs, three files of narrow key ranges
        lake.append("paper_terms", _terms(ids), f"run{i}")
    before = _bounds(lake, "paper_terms")
    assert before.height == 3

    changed = _terms([years[0][5], years[2][7]], score=9.0)
    gone = pl.DataFrame({"paper_id": [years[2][8]], "term": ["t"]})
    lake.upsert("paper_terms", changed, "run3", delete_keys=gone)

    after = _bounds(lake, "paper_terms")
    # 2022's file was not touched; the two rewritten files keep their own key ranges
    assert set(before["path"]) & set(after["path"]) == {before["path"][1]}
    assert after.select("lo", "hi").rows() == before.select("lo", "hi").rows()
    assert after["num_records"].to_list() == [300, 300, 299]
    expected = (
        pl.concat([_terms(ids) for ids in years])
        .filter(pl.col("paper_id") != years[2][8])
        .update(changed, on=["paper_id", "term"])
        .sort("paper_id", "term")
    )
    assert_frame_equal(_read(lake, "paper_terms"), expected)
    history = DeltaTable(lake.table_uri("paper_terms")).history(limit=1)[0]
    assert history["paperdigest.part"] == "rewrite"  # removes and adds in one commit


def test_unchanged_rows_rewrite_nothing(tmp_path: Path) -> None:
    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    ids = [f"2101.{n:05d}" for n in range(10_000, 10_050)]
    version = lake.append("paper_terms", _terms(ids), "run0")
    assert lake.upsert("paper_terms", _terms(ids[:10]), "run1") == version


def test_files_hold_a_bounded_number_of_rows(tmp_path: Path) -> None:
    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    ids = [f"2101.{n:06d}" for n in range(60_000)]
    lake.append("paper_terms", _terms(ids), "run0")
    bounds = _bounds(lake, "paper_terms")
    step = rows_per_file(_terms(ids))
    assert 1_000 <= step <= 25_000
    assert bounds["num_records"].max() == step
    assert bounds["num_records"].sum() == 60_000
    # consecutive slices of the sorted keys: no two files' key ranges overlap
    assert (bounds["lo"].shift(-1).drop_nulls() > bounds["hi"].head(-1)).all()


def _papers(ids: list[str], upvotes: int | None) -> pl.DataFrame:
    day = date(2026, 1, 5)
    return BY_NAME["papers"].conform(
        pl.DataFrame(
            {
                "paper_id": ids,
                "title": [f"Paper {i}" for i in ids],
                "title_key": [f"t:{i}" for i in ids],
                "first_seen": [day] * len(ids),
                "last_seen": [day] * len(ids),
                "n_digests": [1] * len(ids),
                "best_position": [1] * len(ids),
                "updated_run_id": ["run0"] * len(ids),
                "max_upvotes": [upvotes] * len(ids),
            }
        )
    )


def test_a_file_written_before_a_column_existed_keeps_it_null(tmp_path: Path) -> None:
    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    lake.append("papers", _papers(["2101.10000"], 3), "run0")
    # an older file without ``max_upvotes`` (written before the contract had the column)
    old = _papers(["2201.10000", "2201.10001"], None).drop("max_upvotes")
    write_deltalake(lake.table_uri("papers"), old.to_arrow(), mode="append", schema_mode="merge")
    lake.upsert("papers", _papers(["2201.10000"], 7), "run1")
    got = _read(lake, "papers").select("paper_id", "max_upvotes")
    assert got.rows() == [("2101.10000", 3), ("2201.10000", 7), ("2201.10001", None)]


@pytest.mark.parametrize(
    ("keys", "want"),
    [(["2101.10005"], {"a"}), (["2201.00000"], set()), (["2101.10009", "2301.10000"], {"a", "c"})],
)
def test_files_with_keys_reads_only_files_whose_bounds_hold_a_key(
    tmp_path: Path, keys: list[str], want: set[str]
) -> None:
    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    names = {}
    for label, yy in (("a", 21), ("b", 22), ("c", 23)):
        ids = [f"{yy}01.{n:05d}" for n in range(10_000, 10_010)]
        lake.append("paper_terms", _terms(ids), f"run-{label}")
        newest = _bounds(lake, "paper_terms").filter(pl.col("lo") == ids[0])
        names[newest["path"][0]] = label
    dt = DeltaTable(lake.table_uri("paper_terms"))
    picked = files_with_keys(dt, lake.table_uri("paper_terms"), "paper_id", pl.Series(keys))
    assert {names[f.path] for f in picked} == want


def test_appends_into_one_key_range_fold_small_files_and_rewrites_stay_exact(
    tmp_path: Path,
) -> None:
    """Title keys are hashes: every run's span them all. Run after run they stay in one file,
    not one small file per run that every lookup opens; an upsert that changes a row of that
    file and adds new keys beside it keeps each key once."""
    import hashlib

    def keys(run: int) -> list[str]:
        return sorted(
            f"t:{hashlib.sha256(f'{run}-{n}'.encode()).hexdigest()[:16]}" for n in range(40)
        )

    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    for run in range(5):
        lake.upsert("paper_terms", _terms(keys(run)), f"run{run}")
    assert _bounds(lake, "paper_terms").height == 1
    assert _read(lake, "paper_terms").height == 200

    changed = _terms([keys(0)[3]], score=7.0)
    lake.upsert("paper_terms", pl.concat([changed, _terms(keys(9))]), "run9")
    got = _read(lake, "paper_terms")
    assert got.height == 240
    assert got["paper_id"].n_unique() == 240
    assert got.filter(pl.col("paper_id") == keys(0)[3])["score"].to_list() == [7.0]
    assert _bounds(lake, "paper_terms").height == 1
