"""A table's column rules (not null, allowed values, range, pattern) as one GX expectation that
checks them all, and reports each as a check of its own. Imported only when a suite is built
(importing GX costs seconds).

GX's own expectations are one per rule and column, and GX's machinery per expectation, not
the check, is what a run pays for: 109 of a run's 149 expectations were these. Each rule here
is the same vectorized test GX's pandas engine runs for its expectation (nulls left out but
for ``not_null``; bounds inclusive; a pattern searched, as ``str.contains`` does), and the
suites' tests hold the two to the same verdicts, counts and rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypedDict

from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider

from expectations.metric_verdict import MetricVerdict
from expectations.re2_patterns import re2_ready

if TYPE_CHECKING:
    import pandas as pd

    from warehouse.contracts import TableContract

RuleKind = Literal["not_null", "allowed", "range", "pattern"]


class Rule(TypedDict):
    check: str  # the check's name in results and quarantine records: "range(upvotes)"
    column: str
    kind: RuleKind
    # the rule's argument: allowed values, [min, max] (either may be None), or a regex
    arg: Any


def contract_rules(contract: TableContract) -> list[Rule]:
    """Every column rule of ``contract``, in column order, as its suite lists them."""
    rules: list[Rule] = []
    for c in contract.columns:
        if not c.nullable:
            rules.append(
                Rule(check=f"not_null({c.name})", column=c.name, kind="not_null", arg=None)
            )
        if c.allowed is not None:
            rules.append(
                Rule(check=f"allowed({c.name})", column=c.name, kind="allowed", arg=list(c.allowed))
            )
        if c.min is not None or c.max is not None:
            rules.append(
                Rule(check=f"range({c.name})", column=c.name, kind="range", arg=[c.min, c.max])
            )
        if c.pattern is not None:
            rules.append(
                Rule(
                    check=f"pattern({c.name})",
                    column=c.name,
                    kind="pattern",
                    arg=re2_ready(c.pattern),
                )
            )
    return rules


def failing_rows(df: pd.DataFrame, rule: Rule) -> list[Any]:
    """The index labels of the rows of ``df`` that break ``rule``."""
    values = df[rule["column"]]
    if rule["kind"] == "not_null":
        return values.index[values.isna()].tolist()
    values = values[values.notna()]
    kind, arg = rule["kind"], rule["arg"]
    if kind == "allowed":
        ok = values.isin(arg)
    elif kind == "range":
        low, high = arg
        ok = values == values  # every non-null value, then narrowed by each bound
        if low is not None:
            ok &= values >= low
        if high is not None:
            ok &= values <= high
    else:
        ok = values.astype(str).str.contains(arg)
    return values.index[~ok.astype(bool)].tolist()


class TableRuleFailures(TableMetricProvider):
    """Each rule's failing rows (index labels), or the error that kept it from running."""

    metric_name = "table.paperdigest_rule_failures"
    value_keys = ("rules",)

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict[str, Any],
        metric_value_kwargs: dict[str, Any],
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        df, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        out: dict[str, Any] = {}
        for rule in metric_value_kwargs["rules"]:
            try:
                out[rule["check"]] = failing_rows(df, rule)
            except Exception as e:  # one rule that cannot run does not hide the others
                out[rule["check"]] = f"{type(e).__name__}: {e}"
        return out


class ExpectColumnsToFollowContractRules(MetricVerdict):
    """Every rule in ``rules`` holds on every row. The result holds, per failing check, its
    failing rows' index labels (``failures``) or why it could not run (``errors``)."""

    rules: list[Rule]

    metric_dependencies = ("table.paperdigest_rule_failures",)
    success_keys = ("rules",)
    args_keys = ("rules",)

    def verdict(self, value: dict[str, Any]) -> dict[str, Any]:
        failures = {k: v for k, v in value.items() if isinstance(v, list) and v}
        errors = {k: v for k, v in value.items() if isinstance(v, str)}
        return {
            "success": not failures and not errors,
            "result": {"failures": failures, "errors": errors},
        }
