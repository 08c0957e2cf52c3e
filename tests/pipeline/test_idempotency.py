"""Same inputs once, twice, reversed, or split across runs: identical tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.crash_harness import hashes
from samples import bundled_samples
from tests.helpers import ingest
from warehouse.lake import Lake


@pytest.mark.slow
def test_once_twice_reversed_and_split_runs_agree(tmp_path: Path) -> None:
    files = sorted(bundled_samples().iterdir())
    ingest(tmp_path / "once", bundled_samples())
    reference = hashes(tmp_path / "once")

    ingest(tmp_path / "twice", bundled_samples())
    ingest(tmp_path / "twice", bundled_samples())
    assert hashes(tmp_path / "twice") == reference

    for i, f in enumerate(reversed(files)):  # one run per file, newest first
        folder = tmp_path / "split" / str(i)
        folder.mkdir(parents=True)
        shutil.copy(f, folder / f.name)
        assert ingest(tmp_path / "reversed", folder).status == "published"
    assert hashes(tmp_path / "reversed") == reference

    halves = [files[::2], files[1::2]]  # interleaved halves
    for i, half in enumerate(halves):
        folder = tmp_path / "halves" / str(i)
        folder.mkdir(parents=True)
        for f in half:
            shutil.copy(f, folder / f.name)
        ingest(tmp_path / "split-lake", folder)
    assert hashes(tmp_path / "split-lake") == reference


def test_a_run_id_is_published_once(tmp_path: Path) -> None:
    ingest(tmp_path / "lake", bundled_samples())
    ingest(tmp_path / "lake", bundled_samples())
    lk = Lake.at(tmp_path / "lake")
    runs = lk.scan("runs").collect()
    assert runs["run_id"].n_unique() == runs.height == 2
    ledgers = [Path(k).stem for k in lk.ledger_keys()]
    assert sorted(ledgers) == sorted(runs["run_id"].to_list())


def test_a_retried_publish_never_duplicates_rows(tmp_path: Path) -> None:
    from pipeline.run import run_ingest

    calls = {"publish": 0}

    def flaky(name, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name != "publish":
            return fn(*args, **kwargs)
        calls["publish"] += 1
        fn(*args, **kwargs)  # the first try commits every table, then "fails" ...
        return fn(*args, **kwargs)  # ... and the retry runs the whole task again

    from pipeline.settings import Settings
    from tests.helpers import NOW

    report = run_ingest(
        Settings.build(lake=tmp_path / "lake", now=NOW), [bundled_samples()], call=flaky
    )
    assert report.status == "published"
    assert calls["publish"] == 1
    ingest(tmp_path / "clean", bundled_samples())
    assert hashes(tmp_path / "lake") == hashes(tmp_path / "clean")


@pytest.mark.integration
def test_backfill_in_batches_equals_one_run(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import main
    from pipeline.backfill import plan_batches

    batches = plan_batches([bundled_samples()], 3)
    assert [len(b) for b in batches] == [3, 3, 2]
    names = [p.name for b in batches for p in b]
    assert names == sorted(names, key=lambda n: n.split("_")[-1])  # date order across formats
    assert (
        main(
            [
                "backfill",
                str(bundled_samples()),
                "--lake",
                str(tmp_path / "lake"),
                "--batch-files",
                "3",
            ]
        )
        == 0
    )
    out = capfd.readouterr().out  # batch lines come from the batches' own process
    assert "8 files in 3 batches" in out
    assert "batch 3/3: published" in out
    ingest(tmp_path / "once", bundled_samples())
    assert hashes(tmp_path / "lake") == hashes(tmp_path / "once")
    assert main(["backfill", str(tmp_path / "nope"), "--lake", str(tmp_path / "lake")]) == 2


def _rss(category: str, categories: list[str], title: str) -> str:
    cats = "".join(f"<category>{c}</category>" for c in categories)
    return f"""<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
<channel><title>{category} updates on arXiv.org</title><pubDate>Mon, 23 Nov 2026 00:00:00 -0500</pubDate>
<item><title>{title}</title><link>https://arxiv.org/abs/2611.00777</link>
<description>arXiv:2611.00777v1 Announce Type: new
Abstract: Listed twice on one day.</description><guid isPermaLink="false">oai:arXiv.org:2611.00777v1</guid>
{cats}<arxiv:announce_type>new</arxiv:announce_type>
<dc:creator>Ada Lovelace</dc:creator></item>
</channel></rss>"""


def test_same_day_listings_merge_alike_in_one_run_or_either_order(tmp_path: Path) -> None:
    """The cs.AI and cs.CL listings of one day name the same paper with their own category
    first: one run, AI then CL, CL then AI give the same paper (and the same topics)."""
    listings = {
        "cs.AI": _rss("cs.AI", ["cs.AI", "cs.CL"], "A Paper Listed Twice"),
        "cs.CL": _rss("cs.CL", ["cs.CL", "cs.AI"], "A Paper Listed Twice (cross-list)"),
    }
    folders = {}
    for cat, text in listings.items():
        folder = tmp_path / "in" / cat
        folder.mkdir(parents=True)
        (folder / f"arxiv_rss_{cat}_2026-11-23.xml").write_text(text)
        folders[cat] = folder
    ingest(tmp_path / "both", *folders.values())
    ingest(tmp_path / "ai-cl", folders["cs.AI"])
    ingest(tmp_path / "ai-cl", folders["cs.CL"])
    ingest(tmp_path / "cl-ai", folders["cs.CL"])
    ingest(tmp_path / "cl-ai", folders["cs.AI"])
    reference = hashes(tmp_path / "both")
    assert hashes(tmp_path / "ai-cl") == reference
    assert hashes(tmp_path / "cl-ai") == reference
    rows = {
        name: Lake.at(tmp_path / name)
        .scan("papers")
        .select("title", "categories", "primary_category")
        .collect()
        .rows()
        for name in ("both", "ai-cl", "cl-ai")
    }
    assert rows["both"] == rows["ai-cl"] == rows["cl-ai"]
    assert len(rows["both"]) == 1
