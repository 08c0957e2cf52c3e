from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bench.fingerprint import fingerprint
from samples import bundled_samples
from samples.items import hf_item
from tests.helpers import NOW, ingest, write_json

if TYPE_CHECKING:
    from pathlib import Path


def test_two_builds_of_the_same_inputs_on_one_clock_agree_and_another_input_shows(
    tmp_path: Path,
) -> None:
    ingest(tmp_path / "a", bundled_samples())
    ingest(tmp_path / "b", bundled_samples())
    a, b = fingerprint(tmp_path / "a"), fingerprint(tmp_path / "b")
    assert a == b
    assert {"papers", "runs", "mart:trending_daily"} <= set(a)

    extra = write_json(
        tmp_path / "in" / "hf_daily_papers_2026-11-24.json",
        [hf_item("2611.09999", "One more paper", "2026-11-24")],
    )
    ingest(tmp_path / "b", extra, now=NOW + timedelta(hours=4))
    changed = {k for k, v in fingerprint(tmp_path / "b").items() if a[k] != v}
    assert {"papers", "digests", "digest_entries", "runs", "mart:trending_daily"} <= changed
