"""Marts kept incrementally equal marts recomputed whole, run after run, in any order."""

from __future__ import annotations

import json
import random
import shutil
from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from samples.generator import SampleSpec, generate
from samples.items import hf_item
from tests.helpers import CLOCK, ingest, query, write_json
from warehouse import views
from warehouse.contracts.marts import MARTS
from warehouse.lake import Lake
from warehouse.marts import SERVED, mart_keys
from warehouse.views import build_views

if TYPE_CHECKING:
    from pathlib import Path


def mart_frames(lake: Path) -> dict[str, pl.DataFrame]:
    lk = Lake.at(lake, clock=CLOCK)
    out = {}
    for mart in MARTS:
        keys = mart_keys(lk, mart.name)
        df = pl.concat([pl.read_parquet(lake / k) for k in keys]) if keys else mart.empty_frame()
        out[mart.name] = df.sort(df.columns, nulls_last=True)
    return out


def recomputed_whole(lake: Path, tmp: Path) -> dict[str, pl.DataFrame]:
    copy = tmp / "whole"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(lake, copy)
    (copy / "marts" / "_state.json").unlink()
    lk = Lake.at(copy, clock=CLOCK)
    ledger = lk.latest_ledger()
    assert ledger
    build_views(lk, lk.pinned_versions(), ledger["run_id"])
    return mart_frames(copy)


def assert_marts_equal(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame]) -> None:
    for name, frame in want.items():
        if name == "run_health":  # durations differ between the two lakes' runs
            continue
        try:
            assert_frame_equal(got[name], frame)
        except AssertionError as e:
            raise AssertionError(f"mart {name}: {e}") from None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("corpus")
    spec = SampleSpec(
        days=9,
        seed=3,
        start=date(2026, 10, 26),  # spans a month boundary: two month files per mart
        per_day=12,
        rss_categories=("cs.AI", "cs.CL"),
        rss_per_weekday=20,
        weekly_text=True,
    )
    return sorted(generate(spec, out))


@pytest.mark.slow
def test_runs_in_shuffled_order_keep_marts_equal_to_a_whole_recompute(
    corpus: list[Path], tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    files = list(corpus)
    random.Random(5).shuffle(files)  # older days after newer ones: first_seen moves back
    # a few runs of one or two files each; the first run builds the marts whole
    batches = [files[i : i + 2] for i in range(0, len(files), 2)][:8]
    for i, batch in enumerate(batches):
        folder = tmp_path / "in" / str(i)
        folder.mkdir(parents=True)
        for f in batch:
            shutil.copy(f, folder / f.name)
        assert ingest(lake, folder).status == "published"
        how = json.loads(query(lake, "SELECT marts_refresh FROM _paperdigest_meta")[0][0])
        assert set(how) == {m.name for m in MARTS}
        if i > 0:  # later runs recompute only what they touched
            assert how["paper_history"].endswith(" files"), how
            assert how["code_momentum"].endswith(" files"), how
            assert how["coverage"] == "whole"
        assert_marts_equal(mart_frames(lake), recomputed_whole(lake, tmp_path))
    # the served views read the marts and agree with them
    for name in SERVED:
        assert query(lake, f"SELECT count(*) FROM {name}")[0][0] == mart_frames(lake)[name].height


def test_a_title_keyed_paper_merged_into_its_arxiv_id_moves_its_mart_rows(
    tmp_path: Path,
) -> None:
    lake = tmp_path / "lake"
    title = "Sparse Mixture Routing for Long Context Models"
    days = ["2026-11-02", "2026-11-03", "2026-11-04"]
    write_json(tmp_path / "a" / f"hf-{days[0]}.json", [hf_item(None, title, days[0], 3)])
    write_json(
        tmp_path / "b" / f"hf-{days[1]}.json",
        [hf_item(None, title, days[1], 7), hf_item("2611.00002", "Another Paper", days[1])],
    )
    write_json(tmp_path / "c" / f"hf-{days[2]}.json", [hf_item("2611.00001", title, days[2], 9)])
    for folder in ("a", "b", "c"):
        assert ingest(lake, tmp_path / folder).status == "published"
        assert_marts_equal(mart_frames(lake), recomputed_whole(lake, tmp_path))
    history = mart_frames(lake)["paper_history"]
    merged = history.filter(pl.col("paper_id") == "2611.00001")
    assert merged["days_listed"].to_list() == [3]
    assert history.height == 2  # the title-keyed row went with the merge


def test_a_noop_run_rewrites_only_run_health(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    write_json(
        tmp_path / "a" / "hf-2026-11-02.json", [hf_item("2611.00001", "A Paper", "2026-11-02")]
    )
    ingest(lake, tmp_path / "a")
    before = {p: p.stat().st_mtime_ns for p in (lake / "marts").rglob("*.parquet")}
    ingest(lake, tmp_path / "a")  # noop
    after = {p: p.stat().st_mtime_ns for p in (lake / "marts").rglob("*.parquet")}
    changed = {p.parent.name for p in before if before[p] != after[p]}
    assert changed == {"run_health"}
    assert query(lake, "SELECT count(*) FROM run_health")[0][0] == 2


def test_a_month_written_in_several_files_comes_back_as_one_without_extra_columns(
    corpus: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = tmp_path / "lake"
    folder = tmp_path / "in"
    folder.mkdir()
    for f in corpus:
        shutil.copy(f, folder / f.name)
    assert ingest(lake, folder).status == "published"
    want = mart_frames(lake)
    # one open file and tiny buffers: DuckDB closes and reopens each month's file
    monkeypatch.setattr(views, "MARTS_OPEN_FILES", 1)
    monkeypatch.setattr(views, "MARTS_FLUSH_ROWS", 1)
    got = recomputed_whole(lake, tmp_path)
    for mart in MARTS:
        keys = mart_keys(Lake.at(tmp_path / "whole", clock=CLOCK), mart.name)
        for key in keys:
            assert pl.read_parquet_schema(tmp_path / "whole" / key) == mart.polars_schema, key
    assert_marts_equal(got, want)


def test_increments_read_only_the_files_that_can_hold_their_papers(tmp_path: Path) -> None:
    import duckdb

    from warehouse.marts import narrowed_rows

    lake = Lake.at(tmp_path / "lake", clock=CLOCK)
    for yy in (21, 22, 23):  # three runs, three files of narrow key ranges
        ids = [f"{yy}01.{n:05d}" for n in range(10_000, 10_300)]
        terms = pl.DataFrame(
            {"paper_id": ids, "term": ["t"] * 300, "score": [1.0] * 300, "method": "extracted"}
        )
        lake.upsert("paper_terms", terms, f"run{yy}")
    versions = {"paper_terms": lake.current_version("paper_terms")}
    assert versions["paper_terms"] is not None
    every = lake.file_uris("paper_terms", versions["paper_terms"])
    assert len(every) == 3
    sql = narrowed_rows(lake, versions, "paper_terms", "paper_id", ["2201.10007"])
    assert sum(uri.removeprefix("file://") in sql for uri in every) == 1
    got = duckdb.sql(f"SELECT paper_id, term FROM ({sql}) WHERE paper_id = '2201.10007'")
    assert got.fetchall() == [("2201.10007", "t")]
    assert "WHERE false" in narrowed_rows(lake, versions, "paper_terms", "paper_id", [])
