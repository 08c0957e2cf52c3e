"""Every real HF daily-papers file in ../shared/data/real parses to exact counts and ids."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.helpers import ingest, query
from transforms import hf_daily_json
from transforms.digest_records import ParseError
from transforms.sniff import sniff

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.real_data

# file -> (entries, first two ids, last id, listing)
EXPECTED = {
    "2404589803_date-2024-05-27.json": (13, ["2405.15738", "2405.15574"], "2405.15125", "daily"),
    "2404589803_date-2024-08-01.json": (11, ["2407.21783", "2407.21705"], "2407.21686", "daily"),
    "2404589803_date-2025-03-17.json": (12, ["2503.07677", "2503.11647"], "2503.05689", "daily"),
    "2404589803_date-2025-09-29.json": (30, ["2509.22622", "2509.22611"], "2509.22642", "daily"),
    "2404589803_date-2026-06-03.json": (23, ["2606.01249", "2606.03985"], "2605.27958", "daily"),
    "honggi82_month-2023-08.json": (113, ["2308.04079", "2308.01320"], "2308.01499", "monthly"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_parses_to_exact_ids(real_data: Path, name: str) -> None:
    data = (real_data / "hf_daily_papers_api" / name).read_bytes()
    assert sniff(data) == "hf_daily_json"
    digest, problems = hf_daily_json.parse(data, name)
    n, first, last, listing = EXPECTED[name]
    ids = [e.arxiv_id for e in digest.entries]
    assert problems == []
    assert len(ids) == n == len(set(ids))
    assert ids[:2] == first
    assert ids[-1] == last
    assert digest.listing == listing
    assert all(re.fullmatch(r"\d{4}\.\d{5}", i or "") for i in ids)
    assert all("\n" not in e.title and "\n" not in (e.abstract or "") for e in digest.entries)
    assert all(e.authors for e in digest.entries)


def test_error_body_is_refused_with_reason(real_data: Path) -> None:
    data = (
        real_data / "hf_daily_papers_api" / "deepdiver_papers.json_error-body.json"
    ).read_bytes()
    with pytest.raises(ParseError, match="API error response"):
        hf_daily_json.parse(data)


def test_whole_folder_publishes_one_entry_per_item(real_data: Path, lake_dir: Path) -> None:
    report = ingest(lake_dir, real_data / "hf_daily_papers_api")
    assert (report.status, report.exit_code) == ("published", 3)
    assert report.entries == sum(v[0] for v in EXPECTED.values()) == 202
    assert [q.original_name for q in report.quarantined] == [
        "deepdiver_papers.json_error-body.json"
    ]
    counts = dict(query(lake_dir, "SELECT original_name, n_entries FROM digests"))
    assert counts == {k: v[0] for k, v in EXPECTED.items()}
    assert query(lake_dir, "SELECT count(*), count(DISTINCT paper_id) FROM digest_entries") == [
        (202, 202)
    ]
