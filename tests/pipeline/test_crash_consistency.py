"""SIGKILL at stage boundaries and random moments: nothing half-published, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crash_harness import crash_campaign, split_samples
from samples import bundled_samples

pytestmark = pytest.mark.integration

# a bounded set here; bench/crash.py runs every point and more random kills
CI_POINTS = [
    "after-land",
    "after-gate",
    "after-commit:digest_entries",
    "after-commit:papers",
    "after-commit:paper_terms",
    "before-ledger",
    "after-ledger",
    "after-mart:paper_history",
    "after-views-swap",
    "after-views",
]


@pytest.mark.slow
def test_kills_at_stage_boundaries_and_random_moments(tmp_path: Path) -> None:
    first, second = split_samples(tmp_path, bundled_samples())
    report = crash_campaign(tmp_path / "work", first, second, CI_POINTS, random_kills=2)
    print(f"kill points tried {len(report.tried)}, survived {len(report.survived)}")
    assert report.failures == []
    assert len(report.survived) == len(CI_POINTS) + 2
