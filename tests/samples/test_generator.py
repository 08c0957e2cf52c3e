from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING

from samples import bundled_samples
from samples.generator import SampleSpec, generate, plan
from transforms.sniff import parse, sniff

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def digest_of(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_generator_is_deterministic_and_matches_the_bundled_samples(tmp_path: Path) -> None:
    spec = SampleSpec(days=8, seed=7, start=date(2026, 11, 16))
    generate(spec, tmp_path / "a")
    generate(spec, tmp_path / "b")
    assert digest_of(tmp_path / "a") == digest_of(tmp_path / "b") == digest_of(bundled_samples())


def test_every_generated_digest_parses_to_what_was_planned(tmp_path: Path) -> None:
    spec = SampleSpec(days=12, seed=3, start=date(2025, 1, 1))
    files = generate(spec, tmp_path)
    days = plan(spec)
    assert len(files) == 12
    for (_day, listed), path in zip(days, files, strict=True):
        data = path.read_bytes()
        digest, problems = parse(sniff(data), data, path.name)
        assert problems == []
        titles = [e.title for e in digest.entries]
        expected = [p.title for p in listed]
        if path.suffix == ".json":
            expected = [p.title for p in listed if p.text_only_until <= days.index((_day, listed))]
        assert titles == expected


def test_a_title_only_paper_is_identified_later() -> None:
    days = plan(SampleSpec(days=8, seed=7, start=date(2026, 11, 16)))
    late = [p for _d, listed in days for p in listed if p.text_only_until > 0]
    assert late, "the samples must hold a paper first seen only by title"


def test_rss_listings_and_weekly_text_at_real_world_proportions(tmp_path: Path) -> None:
    spec = SampleSpec(
        days=9,
        seed=3,
        start=date(2026, 10, 5),
        per_day=20,
        rss_categories=("cs.AI", "cs.LG"),
        rss_per_weekday=50,
        weekly_text=True,
    )
    files = generate(spec, tmp_path)
    rss = [f for f in files if f.name.startswith("arxiv_rss_")]
    weekly = [f for f in files if f.name.startswith("hf_weekly_page_")]
    assert len(rss) == 2 * 7
    assert [f.name for f in weekly] == ["hf_weekly_page_2026-10-12.txt"]
    for f in rss:
        digest, problems = parse(sniff(f.read_bytes()), f.read_bytes(), f.name)
        kinds = [e.announce_type for e in digest.entries]
        assert problems == []
        assert kinds.count("new") == 40
        assert kinds.count("cross") == 5
    data = weekly[0].read_bytes()
    digest, _ = parse(sniff(data), data, weekly[0].name)
    assert len(digest.entries) == 20
    assert digest.content_month_day == (10, 12)
    again = generate(spec, tmp_path / "again")
    assert [f.read_bytes() for f in again] == [f.read_bytes() for f in files]


def test_listings_written_by_a_helper_process_are_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import samples.generator as samplegen
    from tests.helpers import backfill_corpus

    def contents(folder: Path) -> list[tuple[str, bytes]]:
        return [(f.name, f.read_bytes()) for f in sorted(folder.iterdir())]

    inline = backfill_corpus(tmp_path / "inline")
    monkeypatch.setattr(samplegen, "_RSS_APART", 0)  # every listing by the helper
    apart = backfill_corpus(tmp_path / "apart")
    assert contents(apart) == contents(inline)
    assert any(f.name.startswith("arxiv_rss_") for f in apart.iterdir())


def test_listing_spans_start_on_a_month_and_helpers_write_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import samples.generator as samplegen

    monkeypatch.setattr(samplegen, "_RSS_SPAN_DAYS", 25)
    spec = SampleSpec(
        days=75,
        seed=5,
        start=date(2026, 1, 12),
        per_day=5,
        rss_categories=("cs.AI", "cs.CL"),
        rss_per_weekday=10,
    )
    spans = samplegen.rss_spans(spec)
    # each span after the first starts on the 1st of a month (ids restart there)
    assert [spec.start + timedelta(days=r.start) for r in spans] == [
        date(2026, 1, 12),
        date(2026, 3, 1),
    ]
    assert [d for r in spans for d in r] == list(range(spec.days))

    def contents(folder: Path) -> list[tuple[str, bytes]]:
        return [(f.name, f.read_bytes()) for f in sorted(folder.iterdir())]

    generate(spec, tmp_path / "inline")
    monkeypatch.setattr(samplegen, "_RSS_APART", 0)  # every span by a helper
    generate(spec, tmp_path / "apart")
    listings = contents(tmp_path / "apart")
    assert listings == contents(tmp_path / "inline")
    names = [n for n, _ in listings if n.startswith("arxiv_rss_cs.AI_")]
    assert "arxiv_rss_cs.AI_2026-03-02.xml" in names
    assert "arxiv_rss_cs.AI_2026-02-27.xml" in names


def test_titles_are_nearly_unique_as_real_ones_are() -> None:
    # title-only entries merge into the paper of the same title: a corpus whose unrelated
    # papers share titles would merge them, and re-open years-old papers every batch
    days = plan(SampleSpec(days=400, seed=11, start=date(2025, 1, 1), per_day=50))
    titles = [p.title.casefold() for i, (_d, ps) in enumerate(days) for p in ps if p.first_day == i]
    assert len(titles) > 15_000
    assert len(set(titles)) >= 0.995 * len(titles)
