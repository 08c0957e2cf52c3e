"""One expectation for every column rule of a table gives exactly what GX's own expectations,
one per rule, give: verdicts, counts, examples and failed keys."""

from __future__ import annotations

import polars as pl
import pytest

from expectations.check_result import CheckResult
from expectations.suites import build_suite, validate
from pipeline.parsing import parse_files
from pipeline.settings import Settings
from pipeline.stages import land, stage_tables
from samples import bundled_samples
from tests.helpers import NOW
from warehouse.contracts import BY_NAME
from warehouse.contracts.schema import Column, TableContract

RUN_ID = "20261130T000000000000Z-abcdef"


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """Every table a run stages from the bundled sample digests."""
    settings = Settings.build(lake=tmp_path_factory.mktemp("lake"), now=NOW)
    landed = land([bundled_samples()], settings.lake, settings.now).new
    parsed, refused = parse_files(landed, settings.lake, settings)
    tables = stage_tables(parsed, landed, refused, settings.lake, RUN_ID).tables
    return {name: df for name, df in tables.items() if df.height >= 3}


def _broken(contract: TableContract, df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with a null in every column of row 1, and in row 2 a value no rule allows: an
    unknown word with a no-break space (Python's ``\\s``, not RE2's), or a negative number."""
    row = pl.int_range(pl.len())
    bad = {"str": pl.lit("Not\u00a0allowed"), "int64": pl.lit(-7), "float64": pl.lit(-0.5)}
    columns = []
    for c in contract.columns:
        value = pl.when(row == 1).then(None).otherwise(pl.col(c.name))
        if c.type in bad:
            value = pl.when(row == 2).then(bad[c.type]).otherwise(value)
        columns.append(value.cast(c.polars_dtype).alias(c.name))
    return df.with_columns(columns)


def _check(result: CheckResult) -> str:
    return result.check


def test_every_staged_table_has_rules_to_break(staged: dict[str, pl.DataFrame]) -> None:
    assert len(staged) >= 8


@pytest.mark.parametrize("broken", [False, True], ids=["as staged", "broken"])
def test_one_rules_check_gives_what_gx_gives_one_expectation_per_rule(
    staged: dict[str, pl.DataFrame], broken: bool
) -> None:
    kinds_failed = set()
    for name, df in staged.items():
        contract = BY_NAME[name]
        frame = _broken(contract, df) if broken else df
        folded = validate(contract, frame)
        reference = validate(contract, frame, suite=build_suite(contract, one_rules_check=False))
        # (GX orders its results by column; the rules come in column order after the types)
        assert sorted(folded, key=_check) == sorted(reference, key=_check), name
        kinds_failed |= {r.check.split("(")[0] for r in folded if not r.success}
    if broken:
        assert {"not_null", "allowed", "range", "pattern"} <= kinds_failed
    else:
        assert not kinds_failed


def test_a_rule_that_cannot_run_is_reported_alone() -> None:
    """A rule that raises (a range over text) says why; the table's other rules still run."""
    contract = TableContract(
        name="odd",
        description="",
        key=("m",),
        columns=(Column("n", "str", "", min=0), Column("m", "str", "", allowed=("x",))),
    )
    frame = pl.DataFrame({"n": ["a", "b"], "m": ["x", "y"]})
    results = {r.check: r for r in validate(contract, frame)}
    assert not results["range(n)"].success
    assert results["range(n)"].observed.startswith("check could not run: ")
    assert (results["allowed(m)"].success, results["allowed(m)"].failed_keys) == (
        False,
        [{"m": "y"}],
    )
    assert results["not_null(n)"].success
