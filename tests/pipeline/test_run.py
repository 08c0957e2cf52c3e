"""End to end without Prefect: the same stages the flow runs."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from polars.testing import assert_frame_equal

from samples import bundled_samples
from samples.items import hf_item
from tests.helpers import NOW, ingest, query, write_json
from warehouse.contracts import ALL
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path

    import polars as pl

ABSTRACT = (
    "We propose a compact method that plans over long horizons and evaluate it on many tasks, "
    "finding large gains at a fraction of the usual cost of training."
)


def snapshot(lake: Path) -> dict[str, pl.DataFrame]:
    lk = Lake.at(lake)
    return {t.name: lk.scan(t.name).collect().sort(list(t.key)) for t in ALL if t.gated}


def test_bundled_samples_publish_with_history(lake_dir: Path) -> None:
    report = ingest(lake_dir, bundled_samples())
    assert (report.status, report.exit_code) == ("published", 0)
    assert report.files_new == 8
    assert report.digests == 8
    assert report.checks
    assert not report.checks_failed
    # every paper of a first run is new, however many sources named it
    assert report.new_papers == query(lake_dir, "SELECT count(*) FROM papers")[0][0] == 97
    # entries in the warehouse are exactly what the parser found, digest by digest
    assert query(lake_dir, "SELECT sum(n_entries) FROM digests") == [(report.entries,)]
    assert query(lake_dir, "SELECT count(*) FROM digest_entries") == [(report.entries,)]
    # papers trend on several days with changing upvotes
    multi = query(
        lake_dir,
        """
        SELECT paper_id, count(DISTINCT digest_date) AS days, count(DISTINCT upvotes) AS distinct_upvotes
        FROM digest_entries GROUP BY paper_id HAVING days >= 3 AND distinct_upvotes >= 2""",
    )
    assert len(multi) >= 3
    # papers.n_digests agrees with the observations
    assert query(
        lake_dir,
        """
        SELECT count(*) FROM papers p JOIN paper_history h USING (paper_id)
        WHERE p.n_digests <> h.n_digests OR p.first_seen <> h.first_seen OR p.last_seen <> h.last_seen""",
    ) == [(0,)]
    sources = dict(query(lake_dir, "SELECT digest_date_source, count(*) FROM digests GROUP BY 1"))
    assert sources == {"filename": 6, "content": 2}


def test_rerun_publishes_nothing_and_tables_are_identical(lake_dir: Path) -> None:
    ingest(lake_dir, bundled_samples())
    before = snapshot(lake_dir)
    versions = Lake.at(lake_dir).pinned_versions()
    again = ingest(lake_dir, bundled_samples())
    assert (again.status, again.exit_code, again.files_new, again.files_already) == (
        "noop",
        0,
        0,
        8,
    )
    after = snapshot(lake_dir)
    for name, df in before.items():
        assert_frame_equal(df, after[name])
    new_versions = Lake.at(lake_dir).pinned_versions()
    assert {k: v for k, v in new_versions.items() if k not in ("runs",)} == {
        k: v for k, v in versions.items() if k not in ("runs",)
    }
    assert sorted(query(lake_dir, "SELECT status FROM run_health")) == [("noop",), ("published",)]


def test_title_only_paper_merges_when_a_later_digest_gives_its_id(
    lake_dir: Path, tmp_path: Path
) -> None:
    text = tmp_path / "in1" / "page.txt"
    text.parent.mkdir()
    text.write_text(f"Nov 20\n\nOrcaNet: Planning With Whales\n\n{ABSTRACT}\n")
    first = ingest(lake_dir, text)
    assert first.status == "published"
    (title_key,) = query(lake_dir, "SELECT paper_id FROM papers")[0]
    assert title_key.startswith("t:")

    later = write_json(
        tmp_path / "in2" / "hf_2026-11-21.json",
        [hf_item("2611.01234v1", "OrcaNet: planning with whales", "2026-11-21", upvotes=40)],
    )
    second = ingest(lake_dir, later)
    assert (second.status, second.new_papers, second.merged_papers) == ("published", 0, 1)
    assert query(
        lake_dir,
        "SELECT paper_id, arxiv_id, first_seen, last_seen, n_digests, max_upvotes FROM papers",
    ) == [("2611.01234", "2611.01234", date(2026, 11, 20), date(2026, 11, 21), 2, 40)]
    assert query(lake_dir, "SELECT alias_id, paper_id, reason FROM paper_aliases") == [
        (title_key, "2611.01234", "title_match")
    ]
    # every past appearance points to the merged paper
    assert query(lake_dir, "SELECT DISTINCT paper_id FROM digest_entries") == [("2611.01234",)]
    # a later title-only sighting resolves straight to the arXiv id
    text2 = tmp_path / "in3" / "page.txt"
    text2.parent.mkdir()
    text2.write_text(f"Nov 22\n\nOrcaNet: Planning with Whales\n\n{ABSTRACT}\n")
    third = ingest(lake_dir, text2)
    assert third.new_papers == 0
    assert query(lake_dir, "SELECT paper_id, n_digests FROM papers") == [("2611.01234", 3)]


def test_bad_files_are_quarantined_and_the_rest_publish(lake_dir: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    good = write_json(
        inbox / "good_2026-11-20.json", [hf_item("2611.00001", "Good Paper", "2026-11-20")]
    )
    (inbox / "empty.json").write_bytes(b"")
    (inbox / "error.json").write_text('{"error": "Sorry, we can\'t find the page"}')
    (inbox / "truncated.json").write_text(good.read_text()[:-30])
    (inbox / "latin1.txt").write_bytes(
        "Nov 20\n\nCaf\xe9 Models for Coffee\n\n".encode("latin-1") + ABSTRACT.encode()
    )
    (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    report = ingest(lake_dir, inbox)
    assert (report.status, report.exit_code) == ("published", 3)
    reasons = {q.original_name: q.reason for q in report.quarantined}
    assert set(reasons) == {"empty.json", "error.json", "truncated.json", "latin1.txt", "image.png"}
    assert reasons["empty.json"] == "empty file"
    assert "API error response" in reasons["error.json"]
    assert reasons["truncated.json"].startswith("truncated JSON")
    assert "invalid UTF-8 at byte offset 11" in reasons["latin1.txt"]
    assert "binary" in reasons["image.png"]
    assert query(lake_dir, "SELECT paper_id FROM papers") == [("2611.00001",)]
    assert query(lake_dir, "SELECT count(*) FROM quarantine") == [(5,)]
    assert dict(query(lake_dir, "SELECT status, count(*) FROM raw_files GROUP BY 1")) == {
        "parsed": 1,
        "quarantined": 5,
    }
    # landing the same bad bytes again is a no-op, not a second quarantine
    again = ingest(lake_dir, inbox)
    assert (again.status, again.exit_code) == ("noop", 0)


def test_raw_zone_keeps_bytes_by_sha256(lake_dir: Path, tmp_path: Path) -> None:
    f = write_json(
        tmp_path / "a" / "x_2026-11-20.json", [hf_item("2611.00001", "Good Paper", "2026-11-20")]
    )
    copy = tmp_path / "b" / "renamed.json"
    copy.parent.mkdir()
    copy.write_bytes(f.read_bytes())
    report = ingest(lake_dir, f.parent, copy)
    assert (report.files_seen, report.files_new) == (2, 1)
    (raw_path, sha) = query(lake_dir, "SELECT raw_path, sha256 FROM raw_files")[0]
    assert raw_path == f"raw/hf_daily_json/{NOW:%Y}/{NOW:%m}/{sha}.json"
    assert (lake_dir / raw_path).read_bytes() == f.read_bytes()


def test_a_revisit_with_a_new_abstract_replaces_the_enrichments_of_the_old(
    lake_dir: Path, tmp_path: Path
) -> None:
    old = "Whale song transformers compress ocean acoustics into tokens for sonar retrieval."
    new = "Diffusion policies plan robot grasping from sparse tactile feedback and vision."
    ingest(
        lake_dir,
        write_json(
            tmp_path / "a" / "hf_2026-11-20.json",
            [
                hf_item("2611.00001", "Echo: Listening Models", "2026-11-20", summary=old),
                hf_item("2611.00002", "Other Paper", "2026-11-20", summary=old),
            ],
        ),
    )
    later = write_json(
        tmp_path / "b" / "hf_2026-11-21.json",
        [hf_item("2611.00001", "Echo: Listening Models", "2026-11-21", summary=new)],
    )
    assert ingest(lake_dir, later).status == "published"
    fresh = tmp_path / "fresh"
    ingest(fresh, later)
    # the revisited paper's rows are those its new content alone gives; the other keeps its own
    for name in ("paper_terms", "paper_topics", "paper_links", "paper_mentions"):
        sql = f"SELECT * FROM {name} WHERE paper_id = '2611.00001'"
        assert sorted(query(lake_dir, sql)) == sorted(query(fresh, sql)), name
    terms = query(lake_dir, "SELECT DISTINCT paper_id FROM paper_terms ORDER BY 1")
    assert terms == [("2611.00001",), ("2611.00002",)]


def test_a_title_only_entry_resolves_by_its_own_batch_before_the_published_papers(
    lake_dir: Path, tmp_path: Path
) -> None:
    # published: two papers under one title (titles repeat), and a third alone
    ingest(
        lake_dir,
        write_json(
            tmp_path / "a" / "hf_2026-11-20.json",
            [
                hf_item("2611.00003", "Shared Title Models", "2026-11-20"),
                hf_item("2611.00004", "Shared Title Models", "2026-11-20"),
                hf_item("2611.00002", "Lonely Planners", "2026-11-20"),
            ],
        ),
    )
    batch = tmp_path / "b"
    write_json(
        batch / "hf_2026-11-22.json", [hf_item("2611.00009", "Shared Title Models", "2026-11-22")]
    )
    (batch / "page.txt").write_text(
        f"Nov 22\n\nShared Title Models\n\n{ABSTRACT}\n\nLonely Planners\n\n{ABSTRACT}\n"
    )
    assert ingest(lake_dir, batch).status == "published"
    # the batch's own id wins for its title; the other title resolves to the published paper
    assert query(
        lake_dir,
        "SELECT paper_id, count(*) FROM digest_entries WHERE digest_date = DATE '2026-11-22' "
        "GROUP BY 1 ORDER BY 1",
    ) == [("2611.00002", 1), ("2611.00009", 2)]


def test_a_failure_after_the_ledger_reports_the_run_published_and_the_next_run_repairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    from flows.cli import main
    from pipeline import finish
    from tests.helpers import NOW, query

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    lake = tmp_path / "lake"
    monkeypatch.setenv("PAPERDIGEST_NOW", NOW.isoformat())
    monkeypatch.setattr(finish, "build_views", full_disk)
    assert main(["run", str(bundled_samples()), "--lake", str(lake), "--no-prefect"]) == 4
    out = capsys.readouterr().out
    assert "published" in out
    assert "Traceback" not in out
    assert "views file could not be rebuilt (OSError: [Errno 28] No space left" in out
    assert "the next run, which rebuilds it" in out
    assert Lake.at(lake).latest_ledger()["status"] == "published"  # type: ignore[index]
    monkeypatch.undo()
    monkeypatch.setenv("PAPERDIGEST_NOW", NOW.isoformat())
    assert main(["run", str(bundled_samples()), "--lake", str(lake), "--no-prefect"]) == 0
    assert query(lake, "SELECT count(*) FROM digests") == [(8,)]
