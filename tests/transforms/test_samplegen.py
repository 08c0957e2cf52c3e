from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from flows.settings import bundled_samples
from transforms.samplegen import SampleSpec, generate, plan
from transforms.sniff import parse, sniff

if TYPE_CHECKING:
    from pathlib import Path


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
