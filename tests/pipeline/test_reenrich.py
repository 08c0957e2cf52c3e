"""Re-enrichment: published papers' enrichment rows recomputed from their published inputs,
in gated runs, replacing what an older extractor wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

import transforms.enrichment as enrichment
from pipeline.reenrich import reenrich
from pipeline.settings import Settings
from samples import bundled_samples
from tests.helpers import NOW, ingest, query
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _terms(lake: Path) -> pl.DataFrame:
    return Lake.at(lake).scan("paper_terms").collect().sort("paper_id", "term")


def test_reenrich_replaces_an_older_extractors_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = tmp_path / "clean"
    ingest(clean, bundled_samples())
    old = tmp_path / "old"
    # an older extractor: one junk phrase a paper
    monkeypatch.setattr(
        enrichment,
        "terms_frame",
        lambda papers: papers.select(
            "paper_id",
            pl.lit("achieving higher").alias("term"),
            pl.lit(0.5).alias("score"),
            pl.lit("extracted").alias("method"),
        ),
    )
    ingest(old, bundled_samples())
    extracted = _terms(old).filter(pl.col("method") == "extracted")
    assert set(extracted["term"]) == {"achieving higher"}
    monkeypatch.undo()

    reports = reenrich(Settings.build(lake=old, now=NOW), batch_papers=40)
    papers = query(old, "SELECT count(*) FROM papers")[0][0]
    assert len(reports) == -(-papers // 40)
    assert all(r.status == "published" and r.checks and not r.checks_failed for r in reports)
    # the rows a run of today's code computes, and nothing of the old ones
    assert _terms(old).equals(_terms(clean))
    assert query(old, "SELECT count(*) FROM paper_terms WHERE term = 'achieving higher'") == [(0,)]
    # each batch is a run of its own
    assert query(old, "SELECT status, count(*) FROM runs GROUP BY 1") == [
        ("published", 1 + len(reports))
    ]


def test_the_reenrich_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.cli import main

    monkeypatch.setenv("PAPERDIGEST_NOW", NOW.isoformat())
    lake = tmp_path / "lake"
    ingest(lake, bundled_samples())
    assert main(["reenrich", "--lake", str(lake), "--batch-papers", "60"]) == 0
    out = capsys.readouterr().out
    assert "batch 1/2: published, re-enriched 60 papers" in out
    assert "batch 2/2: published" in out
    assert main(["reenrich", "--lake", str(lake), "--batch-papers", "0"]) == 2
