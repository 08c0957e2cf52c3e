"""The gate: contract suites on every staged table plus the cross-table checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from expectations import cross_checks
from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    import polars as pl

    from expectations.check_result import CheckResult


@dataclass
class GateReport:
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        return not any(r.blocking for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success]

    @property
    def n_passed(self) -> int:
        return sum(r.success for r in self.results)


def run_gate(
    tables: dict[str, pl.DataFrame],
    expected_entries: dict[str, int],
    today: date,
    on_table: Callable[[str], None] | None = None,
) -> GateReport:
    """Validate only this run's rows. A table with no new rows is skipped unless it must have some."""
    from expectations.suites import validate

    results: list[CheckResult] = []
    for name, df in tables.items():
        contract = BY_NAME[name]
        if df.height == 0 and not contract.required_each_run:
            continue
        if on_table:
            on_table(name)
        results.extend(validate(contract, df))
    entries = tables.get("digest_entries", BY_NAME["digest_entries"].empty_frame())
    digests = tables.get("digests", BY_NAME["digests"].empty_frame())
    papers = tables.get("papers", BY_NAME["papers"].empty_frame())
    if digests.height:
        results += [
            cross_checks.entry_papers_exist(entries, papers),
            cross_checks.entries_match_parser(digests, entries, expected_entries),
            cross_checks.positions_contiguous(entries),
            cross_checks.no_future_dates(digests, today),
            cross_checks.titles_clean(papers),
        ]
    watches = tables.get("watches")
    if watches is not None and watches.height:
        results.append(cross_checks.watches_have_a_condition(watches))
    return GateReport(results)
