"""A title-only paper meets its id-bearing twin when their titles almost match, in either order
of arrival; a near miss stays two papers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from samples.items import hf_item
from tests.helpers import ingest, query, write_json

if TYPE_CHECKING:
    from pathlib import Path

ABSTRACT = "We listen to whales and plan routes for ships that keep them safe at sea."
FULL = "Whale Song Models for Ocean\n  Acoustic Monitoring at Scale"
CUT = "Whale Song Models for Ocean"  # the newsletter kept the first line


def _page(path: Path, day: str, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{day}\n\n{title}\n\n{ABSTRACT}\n")
    return path


def _api(path: Path, day: str, title: str) -> Path:
    return write_json(path, [hf_item("2611.04321v2", title, day, upvotes=12)])


@pytest.mark.parametrize("title_only_first", [True, False])
def test_a_cut_title_merges_into_the_paper_with_an_id(
    tmp_path: Path, title_only_first: bool
) -> None:
    lake = tmp_path / "lake"
    page = _page(tmp_path / "in1" / "page.txt", "Nov 20", CUT)
    api = _api(tmp_path / "in2" / "hf_2026-11-23.json", "2026-11-23", FULL)
    for path in (page, api) if title_only_first else (api, page):
        assert ingest(lake, path).status == "published"
    assert query(lake, "SELECT paper_id, n_digests FROM papers") == [("2611.04321", 2)]
    ((alias, target, reason, score),) = query(
        lake, "SELECT alias_id, paper_id, reason, score FROM paper_aliases"
    )
    assert (alias[:2], target, reason, score) == ("t:", "2611.04321", "near_title", 95.0)
    assert query(lake, "SELECT DISTINCT paper_id FROM digest_entries") == [("2611.04321",)]


def test_a_near_miss_and_a_title_out_of_the_window_stay_apart(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest(
        lake,
        _api(tmp_path / "in1" / "hf_2026-11-20.json", "2026-11-20", "Whale Song Is All You Need"),
    )
    ingest(lake, _page(tmp_path / "in2" / "page.txt", "Nov 21", "Whale Song Is All You Want"))
    # a word changed (close enough) but listed five weeks later: out of the 14-day window
    ingest(lake, _page(tmp_path / "in3" / "page.txt", "Dec 26", "Whale Songs Is All You Need"))
    papers = query(lake, "SELECT paper_id, title FROM papers ORDER BY title")
    assert sorted(p[1] for p in papers) == [
        "Whale Song Is All You Need",
        "Whale Song Is All You Want",
        "Whale Songs Is All You Need",
    ]
    assert query(lake, "SELECT count(*) FROM paper_aliases") == [(0,)]
