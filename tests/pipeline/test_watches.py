"""Watches: saved queries published as gated runs, filled from history at once."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import TYPE_CHECKING

import polars as pl
import pytest

from pipeline.settings import Settings
from pipeline.table_runs import run_tables
from pipeline.watch_runs import add_watch, remove_watch
from samples import bundled_samples
from tests.helpers import NOW, ingest, query
from transforms.normalize import Staged
from warehouse.lake import Lake
from warehouse.watches import Watch, WatchError

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("watches") / "lake"
    ingest(path, bundled_samples())
    return path


_TICKS = itertools.count(1)


def _settings(lake: Path) -> Settings:
    # each change a second after the one before: a watch's newest row is its state
    return Settings.build(lake=lake, now=NOW + timedelta(seconds=next(_TICKS)))


def _hits(lake: Path, name: str) -> set[str]:
    return {r[0] for r in query(lake, f"SELECT paper_id FROM watch_hits WHERE watch = '{name}'")}


def test_each_condition_matches_what_the_views_say(lake: Path) -> None:
    cases = {
        "by-topic": (
            Watch("by-topic", topic="robotics"),
            "SELECT paper_id FROM paper_topics WHERE topic = 'robotics'",
        ),
        "by-term": (
            Watch("by-term", term="Speculative Decoding"),
            "SELECT paper_id FROM paper_terms WHERE term = 'speculative decoding'",
        ),
        "by-votes": (
            Watch("by-votes", min_upvotes=50),
            "SELECT paper_id FROM paper_history WHERE max_upvotes >= 50",
        ),
        "by-author": (
            Watch("by-author", author="a"),
            "SELECT DISTINCT paper_id FROM paper_authors WHERE contains(lower(name), 'a')",
        ),
        "rising": (
            Watch("rising", rising=True),
            "SELECT DISTINCT w.paper_id FROM papers_by_week w JOIN paper_terms t USING (paper_id) "
            "JOIN rising_terms r ON r.week = w.week AND r.term = t.term",
        ),
        "both": (
            Watch("both", topic="robotics", min_upvotes=30),
            "SELECT paper_id FROM paper_topics WHERE topic = 'robotics' "
            "INTERSECT SELECT paper_id FROM paper_history WHERE max_upvotes >= 30",
        ),
    }
    for name, (watch, sql) in cases.items():
        report = add_watch(_settings(lake), watch)
        assert report.status == "published", report.message
        want = {r[0] for r in query(lake, sql)}
        assert want, name  # each case has papers on the bundled samples
        assert _hits(lake, name) == want, name
    why = query(lake, "SELECT DISTINCT why FROM watch_hits WHERE watch = 'both'")
    assert len(why) > 0
    assert all(w[0].startswith("topic robotics; upvotes ") for w in why)


def test_a_language_model_query_has_hits_and_a_removed_watch_keeps_them(lake: Path) -> None:
    report = add_watch(_settings(lake), Watch("lm", query="language model"))
    assert report.status == "published"
    first = _hits(lake, "lm")
    assert first
    assert remove_watch(_settings(lake), "lm").status == "published"
    assert query(
        lake, "SELECT action FROM watches WHERE name = 'lm' ORDER BY changed_at, action"
    ) == [
        ("add",),
        ("remove",),
    ]
    # added again: every paper is still one hit, the first run's
    add_watch(_settings(lake), Watch("lm", query="language model"))
    counts = query(
        lake,
        "SELECT count(*), count(DISTINCT paper_id), count(DISTINCT run_id) FROM watch_hits WHERE watch = 'lm'",
    )
    assert counts == [(len(first), len(first), 1)]


def test_bad_definitions_are_refused_with_a_reason(lake: Path) -> None:
    with pytest.raises(WatchError, match="at least one condition"):
        add_watch(_settings(lake), Watch("nothing"))
    with pytest.raises(WatchError, match="no watch named"):
        remove_watch(_settings(lake), "never-added")
    add_watch(_settings(lake), Watch("once", topic="agents"))
    with pytest.raises(WatchError, match="exists"):
        add_watch(_settings(lake), Watch("once", topic="code"))
    # the gate refuses what the command would not write: an unknown topic, a bad name, no condition
    versions = Lake.at(lake).pinned_versions()
    for bad in (
        Watch("astro", topic="astrology"),
        Watch("bad name!", topic="agents"),
        Watch("none"),
    ):

        def staged(run_id: str, w: Watch = bad) -> tuple[Staged, str]:
            return Staged(run_id=run_id, tables={"watches": w.row("add", run_id, NOW)}), ""

        report = run_tables(_settings(lake), staged)
        assert report.status == "rejected"
        assert report.message
        assert report.message.startswith("gate failed: watches.")
    assert {
        k: v for k, v in Lake.at(lake).pinned_versions().items() if k in ("watches", "watch_hits")
    } == {k: v for k, v in versions.items() if k in ("watches", "watch_hits")}
    refused = {
        r[0]
        for r in query(
            lake,
            "SELECT check_name FROM check_results WHERE NOT success AND table_name = 'watches'",
        )
    }
    assert {"allowed(topic)", "pattern(name)", "has_a_condition"} <= refused


def test_the_watch_commands(
    lake: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.cli import main

    monkeypatch.setenv("PAPERDIGEST_NOW", NOW.isoformat())
    assert main(["watch", "add", "cli", "--topic", "robotics", "--lake", str(lake)]) == 0
    assert "added watch cli" in capsys.readouterr().out
    assert main(["watch", "list", "--lake", str(lake)]) == 0
    assert "topic robotics" in capsys.readouterr().out
    assert main(["watch", "show", "cli", "--format", "json", "--lake", str(lake)]) == 0
    shown = pl.read_json(capsys.readouterr().out.encode())
    assert set(shown["paper_id"]) == _hits(lake, "cli")
    assert main(["watch", "add", "empty", "--lake", str(lake)]) == 2
    assert main(["watch", "show", "nope", "--lake", str(lake)]) == 2
    assert main(["watch", "rm", "cli", "--lake", str(lake)]) == 0


def test_a_run_records_first_time_hits_once(tmp_path: Path) -> None:
    from samples.items import hf_item
    from tests.helpers import write_json

    lake = tmp_path / "lake"
    first = write_json(
        tmp_path / "in1" / "hf_2026-11-20.json",
        [hf_item("2611.00001", "Whale Song Models", "2026-11-20", summary="About whales.")],
    )
    ingest(lake, first)
    add_watch(_settings(lake), Watch("whales", query="whale"))
    assert _hits(lake, "whales") == {"2611.00001"}
    runs_before = query(lake, "SELECT count(*) FROM runs")[0][0]
    # a new day lists the same paper (a new version) and a new whale paper
    later = write_json(
        tmp_path / "in2" / "hf_2026-11-21.json",
        [
            hf_item("2611.00001v2", "Whale Song Models", "2026-11-21", summary="About whales."),
            hf_item("2611.00002", "Whale Migration Maps", "2026-11-21", summary="Whales move."),
            hf_item("2611.00003", "Ocean Tides", "2026-11-21", summary="Tides."),
        ],
    )
    assert ingest(lake, later).status == "published"
    assert _hits(lake, "whales") == {"2611.00001", "2611.00002"}
    # the ingest and one hits run
    assert query(lake, "SELECT count(*) FROM runs")[0][0] == runs_before + 2
    # nothing new: no hits run, no hit twice
    again = write_json(
        tmp_path / "in3" / "hf_2026-11-22.json",
        [hf_item("2611.00003", "Ocean Tides", "2026-11-22", summary="Tides.")],
    )
    ingest(lake, again)
    assert query(lake, "SELECT count(*), count(DISTINCT paper_id) FROM watch_hits") == [(2, 2)]
    assert query(lake, "SELECT count(*) FROM runs")[0][0] == runs_before + 3
