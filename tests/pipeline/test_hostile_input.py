"""Hostile input: every input is parsed or quarantined with a reason, within bounds; nothing
escapes the lake and nothing published changes."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile_inputs import corpus, process
from samples.items import hf_item
from tests.helpers import ingest, query, write_json
from warehouse.contracts import ALL
from warehouse.lake import Lake

TIME_BOUND_S = 5.0
MEMORY_BOUND = 256 * 2**20


def test_every_hostile_input_is_parsed_or_quarantined_within_bounds() -> None:
    slowest = ("", 0.0)
    results: dict[str, str] = {}
    for name, data in corpus().items():
        tracemalloc.start()
        t0 = time.perf_counter()
        results[name] = process(data, name)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < TIME_BOUND_S, (name, elapsed)
        assert peak < MEMORY_BOUND, (name, peak)
        slowest = max(slowest, (name, elapsed), key=lambda x: x[1])
    assert results["xml_bomb"].startswith("quarantined: unsafe XML refused")
    assert "DTD" in results["xml_external_entity"] or "unsafe XML" in results["xml_external_entity"]
    assert results["deep_json"].startswith("quarantined")
    assert results["utf16_bom"] == "parsed"  # transcoded, not lost
    assert results["control_chars_title"] == "parsed"
    assert results["eval_attempt"].startswith("quarantined")
    assert not Path("/tmp/pwned-paperdigest").exists()
    print(f"{len(results)} hostile inputs; slowest {slowest[0]} {slowest[1]:.3f}s")


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash(data: bytes) -> None:
    process(data)


@settings(max_examples=100, deadline=2000)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "paper": st.fixed_dictionaries(
                    {
                        "id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
                        "title": st.one_of(st.text(max_size=200), st.integers(), st.none()),
                        "summary": st.one_of(st.text(max_size=300), st.none()),
                        "upvotes": st.one_of(
                            st.integers(), st.floats(allow_nan=True), st.text(max_size=5), st.none()
                        ),
                        "authors": st.one_of(
                            st.lists(
                                st.dictionaries(st.text(max_size=5), st.text(max_size=10)),
                                max_size=3,
                            ),
                            st.text(max_size=10),
                        ),
                    }
                ),
                "numComments": st.one_of(st.integers(), st.none()),
            }
        ),
        max_size=5,
    )
)
def test_random_api_items_never_crash(items: list) -> None:
    process(json.dumps(items).encode())


def test_a_hostile_batch_publishes_the_good_and_changes_nothing_published(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    # a paper no hostile input mentions: its rows must come through untouched
    ingest(
        lake,
        write_json(
            tmp_path / "good" / "hf_2026-11-20.json",
            [hf_item("2611.09999", "Good Paper", "2026-11-20")],
        ),
    )
    lk = Lake.at(lake)
    before = {t.name: lk.scan(t.name).collect() for t in ALL if t.gated}
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    for i, (name, data) in enumerate(corpus().items()):
        (hostile / f"{i:02d} ../{name} ü.bin".replace("/", "_")).write_bytes(data)
    (hostile / "huge.json").write_bytes(
        b"[" + b" " * (200 * 2**20) + b"]"
    )  # a 200 MB file, over the cap
    (hostile / "good_2026-11-21.json").write_text(
        json.dumps([hf_item("2611.00002", "Second Good Paper", "2026-11-21")])
    )
    outside_before = set(tmp_path.iterdir())
    report = ingest(lake, hostile)
    assert report.status == "published"
    assert report.exit_code == 3
    assert "2611.00002" in {r[0] for r in query(lake, "SELECT paper_id FROM papers")}
    assert any("input cap" in q.reason for q in report.quarantined)
    assert set(tmp_path.iterdir()) == outside_before  # nothing written outside the lake
    after = {t.name: lk.scan(t.name).collect() for t in ALL if t.gated}
    for name, old in before.items():  # every published row is still there, unchanged
        key = list(next(t for t in ALL if t.name == name).key)
        if old.height:
            kept = after[name].join(old.select(key), on=key, how="semi")
            assert kept.sort(key).equals(old.sort(key)), name
    print(f"hostile batch: {report.files_seen} files, {len(report.quarantined)} quarantine records")


def test_a_file_over_the_cap_is_refused_before_it_is_read_and_never_landed(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from pipeline.run import run_ingest
    from pipeline.settings import Settings
    from tests.helpers import NOW

    inbox = tmp_path / "in"
    good = [hf_item("2611.00003", "A Paper Under The Cap", "2026-11-21")]
    write_json(inbox / "good_2026-11-21.json", good)
    write_json(inbox / "big_2026-11-22.json", [hf_item("2611.00004", "x" * 3000, "2026-11-22")])
    # UTF-16 under the cap once transcoded, over it as stored: the cap is on the stored bytes
    text = json.dumps([hf_item("2611.00005", "Wide Paper", "2026-11-22", summary="Wide. " * 160)])
    (inbox / "wide_2026-11-22.json").write_bytes(text.encode("utf-16"))
    assert len(text.encode()) < 2500 < len(text.encode("utf-16"))
    settings = replace(Settings.build(lake=tmp_path / "lake", now=NOW), max_input_bytes=2500)
    report = run_ingest(settings, [inbox])
    assert (report.status, report.exit_code, report.files_seen) == ("published", 3, 3)
    refused = sorted((q.original_name, q.reason) for q in report.quarantined)
    assert [name for name, _ in refused] == ["big_2026-11-22.json", "wide_2026-11-22.json"]
    assert all("over the 2500-byte input cap; not landed" in reason for _, reason in refused)
    raw = [p for p in (tmp_path / "lake" / "raw").rglob("*") if p.is_file()]
    assert len(raw) == 1  # only the good file was landed
    lake = tmp_path / "lake"
    assert query(lake, "SELECT count(*) FROM quarantine WHERE reason LIKE '%input cap%'") == [(2,)]
    # every file over the cap: nothing to publish, the refusals still recorded (exit 3)
    (inbox / "good_2026-11-21.json").unlink()
    again = run_ingest(replace(settings, clock=settings.clock.restarted()), [inbox])
    assert (again.status, again.exit_code, again.files_quarantined) == ("noop", 3, 2)
