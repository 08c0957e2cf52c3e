from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flows.cli import main
from samples import bundled_samples
from samples.items import hf_item
from tests.helpers import ingest, query, write_json
from warehouse.lake import Lake
from warehouse.search import ensure_index, search

ABSTRACTS = {
    "2611.00001": (
        "Whale Song Transcription",
        "We transcribe humpback whale songs with a tiny audio transformer.",
    ),
    "2611.00002": (
        "Robot Manipulation from Video",
        "Robots learn manipulation skills by watching cooking videos.",
    ),
    "2611.00003": (
        "Speculative Decoding at Scale",
        "Draft models speed up decoding of large language models.",
    ),
}


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    items = [
        hf_item(pid, title, "2026-11-20", summary=abstract)
        for pid, (title, abstract) in ABSTRACTS.items()
    ]
    write_json(tmp_path / "in" / "hf_2026-11-20.json", items)
    write_json(
        tmp_path / "in2" / "hf_2026-11-24.json",
        [
            hf_item(
                "2611.00009", "Cooking Robots Again", "2026-11-24", summary="Robots cook videos."
            )
        ],
    )
    ingest(tmp_path / "lake", tmp_path / "in")
    ingest(tmp_path / "lake", tmp_path / "in2")
    return tmp_path / "lake"


def test_a_phrase_of_an_abstract_finds_its_paper_first(lake: Path) -> None:
    hits = search(Lake.at(lake), "humpback whale songs")
    assert [h.paper_id for h in hits] == ["2611.00001"]
    hits = search(Lake.at(lake), "watching cooking videos")
    assert hits[0].paper_id == "2611.00002"
    assert hits[0].rank == 1


def test_date_and_topic_filters(lake: Path) -> None:
    lk = Lake.at(lake)
    assert {h.paper_id for h in search(lk, "robots")} == {"2611.00002", "2611.00009"}
    assert [h.paper_id for h in search(lk, "robots", since=date(2026, 11, 21))] == ["2611.00009"]
    assert [h.paper_id for h in search(lk, "robots", until=date(2026, 11, 21))] == ["2611.00002"]
    assert [h.paper_id for h in search(lk, "decoding", topic="efficiency")] == ["2611.00003"]
    assert search(lk, "decoding", topic="robotics") == []


def test_index_is_rebuilt_only_after_a_new_run(lake: Path, tmp_path: Path) -> None:
    lk = Lake.at(lake)
    assert ensure_index(lk) is True  # no index yet
    assert ensure_index(lk) is False  # same newest run: kept
    write_json(
        tmp_path / "in3" / "hf_2026-11-25.json", [hf_item("2611.00010", "Late Paper", "2026-11-25")]
    )
    ingest(lake, tmp_path / "in3")
    assert ensure_index(lk) is True  # a new run: rebuilt
    assert [h.paper_id for h in search(lk, "late paper")] == ["2611.00010"]


def test_search_cli_json(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "humpback whale", "--lake", str(lake), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["paper_id"] == "2611.00001"
    assert out[0]["rank"] == 1
    assert main(["search", "x", "--lake", str(lake), "--topic", "astrology"]) == 2


def test_bundled_samples_abstract_phrase(tmp_path: Path) -> None:
    ingest(tmp_path / "lake", bundled_samples())
    lk = Lake.at(tmp_path / "lake")
    pid, abstract = query(
        tmp_path / "lake",
        "SELECT paper_id, abstract FROM papers WHERE abstract IS NOT NULL ORDER BY paper_id LIMIT 1",
    )[0]
    # the abstract's first sentence names its task, family and problem: distinctive enough
    phrase = abstract.split(".")[0]
    assert search(lk, phrase)[0].paper_id == pid


def _search_json(lake: Path, text: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:

    capsys.readouterr()
    assert main(["search", text, "--lake", str(lake), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_lake_the_reader_cannot_write_is_searched_from_their_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from warehouse import search as search_module

    lake = tmp_path / "lake"
    ingest(lake, bundled_samples())
    (title,) = query(lake, "SELECT min(title) FROM papers")[0]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real = search_module._writable
    monkeypatch.setattr(search_module, "_writable", lambda d: d != lake and real(d))
    assert _search_json(lake, title, capsys)[0]["title"] == title
    assert not (lake / "search.duckdb").exists()
    assert list((tmp_path / "cache" / "paperdigest" / "search").glob("*.duckdb"))


@pytest.mark.integration
def test_a_read_only_mounted_lake_is_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    lake, ro = tmp_path / "lake", tmp_path / "ro"
    ingest(lake, bundled_samples())
    ro.mkdir()
    mount = subprocess.run(["mount", "--bind", str(lake), str(ro)], capture_output=True)
    if mount.returncode != 0:
        pytest.skip(f"no bind mounts here: {mount.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        (title,) = query(lake, "SELECT min(title) FROM papers")[0]
        assert _search_json(ro, title, capsys)[0]["title"] == title
        assert not (lake / "search.duckdb").exists()
    finally:
        subprocess.run(["umount", str(ro)], check=True)
