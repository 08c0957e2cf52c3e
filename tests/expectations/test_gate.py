from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import pytest

from expectations.gate import run_gate
from expectations.suites import build_suite, validate
from samples.items import hf_item
from tests.helpers import ingest, query, write_json
from warehouse.contracts import BY_NAME
from warehouse.contracts.schema import TableContract
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pathlib import Path


def test_a_bad_batch_is_rejected_with_the_exact_failing_checks(
    lake_dir: Path, tmp_path: Path
) -> None:
    good = write_json(
        tmp_path / "good" / "hf_2026-11-20.json",
        [hf_item("2611.00001", "Fine Paper", "2026-11-20")],
    )
    assert ingest(lake_dir, good).status == "published"
    versions = Lake.at(lake_dir).pinned_versions()

    bad = write_json(
        tmp_path / "bad" / "hf.json",
        [
            hf_item("2611.00002", "<b>Bold</b> Claims", "2026-11-21", upvotes=3),
            hf_item("2611.00003", "Negative Votes", "2026-11-21", upvotes=-5),
        ],
    )
    report = ingest(lake_dir, bad, explicit=date(2099, 1, 1))
    assert (report.status, report.exit_code) == ("rejected", 1)
    failed = sorted(f"{c.table}.{c.check}" for c in report.checks_failed)
    assert failed == [
        "digest_entries.range(upvotes)",
        "digests.no_future_digest_date",
        "papers.range(max_upvotes)",
    ]
    # the markup title never reached the gate: screened out and quarantined on its own
    assert any(q.locator == "entry[1].title" and "markup" in q.reason for q in report.quarantined)
    negative = next(c for c in report.checks_failed if c.check == "range(upvotes)")
    assert negative.n_failed == 1
    assert negative.examples[0]["upvotes"] == -5

    # nothing published: every data table still at the versions of the good run
    after = Lake.at(lake_dir).pinned_versions()
    for name in (
        "raw_files",
        "digests",
        "digest_entries",
        "papers",
        "paper_aliases",
        "paper_authors",
    ):
        assert after[name] == versions[name], name
    assert query(lake_dir, "SELECT paper_id FROM papers") == [("2611.00001",)]
    # the run ledger, check results and quarantine say what happened and where
    assert query(lake_dir, "SELECT status, checks_failed FROM run_health ORDER BY status") == [
        ("published", 0),
        ("rejected", 3),
    ]
    locators = {r[0] for r in query(lake_dir, "SELECT locator FROM quarantine")}
    assert 'papers/range(max_upvotes)/{"paper_id": "2611.00003"}' in locators
    assert query(lake_dir, "SELECT count(*) FROM check_results WHERE NOT success") == [(3,)]
    assert (lake_dir / "quarantine" / report.run_id / "gate.json").exists()
    # the same bytes were not published, so a fixed run can still take them
    assert ingest(lake_dir, bad).status == "rejected"


def test_suite_refuses_zero_rows_and_wrong_types() -> None:
    contract = BY_NAME["paper_aliases"]
    empty = validate(contract, contract.empty_frame())
    assert [r.check for r in empty if not r.success] == ["row_count_at_least_1"]
    wrong = pl.DataFrame(
        {
            "alias_id": ["t:0123456789abcdef"],
            "paper_id": ["2611.00001"],
            "reason": ["because"],
            "score": [100.0],
            "run_id": ["nope"],
        }
    )
    failed = {r.check for r in validate(contract, wrong) if not r.success}
    assert failed == {"allowed(reason)", "pattern(run_id)"}


def test_an_empty_suite_is_an_error() -> None:
    bare = TableContract(name="bare", description="", columns=(), key=())
    with pytest.raises(ValueError, match="empty suite"):
        build_suite(bare)


def test_tables_without_new_rows_are_skipped_but_raw_files_must_have_rows() -> None:
    tables = {n: BY_NAME[n].empty_frame() for n in ("raw_files", "paper_aliases")}
    report = run_gate(tables, {}, date(2026, 11, 25))
    assert {r.table for r in report.results} == {"raw_files"}
    assert not report.passed


def test_the_gate_still_refuses_markup_and_mojibake_titles() -> None:
    from expectations.cross_checks import titles_clean

    papers = pl.DataFrame(
        {"paper_id": ["a", "b", "c"], "title": ["<i>x</i> y", "CafÃ© Models", "Fine Title"]}
    )
    result = titles_clean(papers)
    assert (result.success, result.n_failed) == (False, 2)
    assert [k["paper_id"] for k in result.failed_keys] == ["a", "b"]


def test_memoized_configurations_give_gx_s_own_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-validation memo of GX's expectation configurations (a speed-up) changes no
    verdict, count, example or key, on passing and failing expectations alike."""
    import contextlib

    import expectations.suites as suites

    contract = BY_NAME["paper_aliases"]
    frame = pl.DataFrame(
        {
            "alias_id": ["t:0123456789abcdef", "t:0123456789abcdef", "t:fedcba9876543210"],
            "paper_id": ["2611.00001", None, "2611.00002"],
            "reason": ["because", "title_match", "title_match"],
            "score": [100.0, 100.0, 100.0],
            "run_id": ["nope", "20261120T000000000000Z-abcdef", "20261120T000000000000Z-abcdef"],
        }
    )
    memoized = validate(contract, frame)
    from great_expectations.expectations.expectation import Expectation

    configuration = Expectation.__dict__["configuration"]
    assert getattr(configuration.fget, "_paperdigest_memo", False)
    assert {r.check for r in memoized if not r.success} >= {"allowed(reason)", "pattern(run_id)"}
    monkeypatch.setattr(suites, "_configurations_memoized", contextlib.nullcontext)
    assert validate(contract, frame) == memoized


def _paper_topics(scores: list[float | None], versions: list[int]) -> pl.DataFrame:
    """paper_topics rows of one topic, one paper each, with these scores and versions."""
    n = len(scores)
    return pl.DataFrame(
        {
            "paper_id": [f"2611.{i:05d}" for i in range(1, n + 1)],
            "topic": ["agents"] * n,
            "score": scores,
            "method": ["rules"] * n,
            "taxonomy_version": versions,
        },
        schema=BY_NAME["paper_topics"].polars_schema,
    )


@pytest.mark.parametrize("with_null", [False, True])
def test_range_checks_find_the_same_rows_in_columns_with_and_without_nulls(
    with_null: bool,
) -> None:
    # numbers without a null reach GX as NumPy columns, the others Arrow-backed
    contract = BY_NAME["paper_topics"]
    frame = _paper_topics([0.5, 1.5, None if with_null else 0.75], [1, 0, 1])
    failed = {r.check: r for r in validate(contract, frame) if not r.success}
    expected = {"range(score)", "range(taxonomy_version)"} | (
        {"not_null(score)"} if with_null else set()
    )
    assert set(failed) == expected
    assert failed["range(score)"].failed_keys == [{"paper_id": "2611.00002", "topic": "agents"}]
    assert failed["range(taxonomy_version)"].examples[0]["taxonomy_version"] == 0


@pytest.mark.parametrize("with_null", [False, True])
def test_one_check_per_table_names_every_column_not_of_its_contract_type(
    with_null: bool,
) -> None:
    contract = BY_NAME["paper_topics"]
    good = _paper_topics([0.5, None if with_null else 0.75], [1, 1])
    results = {r.check: r for r in validate(contract, good)}
    assert results["types_match_contract"].success
    assert not any(name.startswith("type(") for name in results)

    # a score as text, a version as a float (with and without a null: NumPy and Arrow columns)
    wrong = good.with_columns(
        pl.col("score").cast(pl.String), pl.col("taxonomy_version").cast(pl.Float64)
    )
    check = {r.check: r for r in validate(contract, wrong)}["types_match_contract"]
    assert not check.success
    assert check.observed == "observed {'score': 'str', 'taxonomy_version': 'float64'}"
