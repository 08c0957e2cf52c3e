"""Great Expectations suites generated from the table contracts, run on pandas via Arrow.

GX has no Polars engine and its DuckDB path is broken, so each staged frame is handed over as
a pandas frame with Arrow-backed columns (no float-ification of nullable ints). ``import
great_expectations`` costs seconds, so it happens here, on first use, and nowhere else.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from expectations.check_result import CheckResult

if TYPE_CHECKING:
    from collections.abc import Iterator

    import great_expectations as gx
    import polars as pl

    from warehouse.contracts import TableContract

_EXAMPLES = 5

_context: Any = None
_context_lock = threading.Lock()


def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    # GX sets its loggers to INFO on import; its "temporary directory" lines are noise here
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    _memoize_configuration()
    _no_fingerprints()
    return gx


def _no_fingerprints() -> None:
    # GX fingerprints every batch it builds (pandas' hash of every value, through Python objects
    # for Arrow-backed columns) unless the frame is over HASH_THRESHOLD bytes. Nothing reads
    # the fingerprint here, so every frame is treated as GX treats a big one.
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


# GX's validator rebuilds each expectation from its configuration and then asks that new
# object for its ``configuration`` ~9 times (once per keyword it looks up), each a pydantic
# ``dict()`` and a regex on the class name, a large part of the gate's time. Within one of our validations the objects are not changed after they are
# built, so the first answer is kept per object and handed out as a fresh copy (callers may
# process its keywords in place).
_memo = threading.local()


def _memoize_configuration() -> None:
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    original: Any = vars(Expectation)["configuration"].fget
    if getattr(original, "_paperdigest_memo", False):
        return

    def configuration(self: Any) -> Any:
        memo: dict[int, tuple[Any, Any]] | None = getattr(_memo, "configs", None)
        if memo is None:
            return original(self)
        hit = memo.get(id(self))
        if hit is None or hit[0] is not self:  # the object is held, so its id is not reused
            hit = memo[id(self)] = (self, original(self))
        cfg = hit[1]
        return ExpectationConfiguration(
            type=cfg.type,
            kwargs=dict(cfg.kwargs),
            meta=cfg.meta,
            notes=cfg.notes,
            description=cfg.description,
            severity=cfg.severity,
            id=cfg.id,
            rendered_content=cfg.rendered_content,
        )

    configuration._paperdigest_memo = True  # type: ignore[attr-defined]
    Expectation.configuration = property(configuration)  # type: ignore[method-assign,assignment]


@contextmanager
def _configurations_memoized() -> Iterator[None]:
    _memo.configs = {}
    try:
        yield
    finally:
        _memo.configs = None


def warm_up() -> None:
    """Import GX, build its context and every gated table's suite ahead of need (e.g. while
    Prefect's server starts, or once when ``serve`` starts): all fixed per process."""
    from warehouse.contracts import ALL

    _batch_definition()
    for contract in ALL:
        if contract.gated:
            _suite(contract)


def _batch_definition() -> Any:
    gx = _gx()
    with _context_lock:
        return _context or _make_context(gx)


def _make_context(gx: Any) -> Any:
    global _context
    if _context is None:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = ctx.data_sources.add_pandas("staging").add_dataframe_asset("frame")
        _context = asset.add_batch_definition_whole_dataframe("whole")
    return _context


# the name of the one expectation that checks every column rule of a table (its results are
# reported one check per rule, under the rule's own name)
COLUMN_RULES = "column_rules"


def build_suite(contract: TableContract, one_rules_check: bool = True) -> gx.ExpectationSuite:
    """The suite for one table; a contract yielding no expectations is an error, not a pass.

    The column rules are one expectation (``column_rules.py``); ``one_rules_check=False``
    builds GX's own expectation per rule instead, the reference the tests hold it to.
    """
    if not contract.columns or not contract.key:
        raise ValueError(
            f"the contract of {contract.name} declares no columns or key: refusing an empty suite"
        )
    gx = _gx()
    E = gx.expectations
    suite = gx.ExpectationSuite(name=f"{contract.name}.v{contract.version}")
    meta = {"table": contract.name}
    suite.add_expectation(
        E.ExpectTableRowCountToBeBetween(
            min_value=1, meta={**meta, "check": "row_count_at_least_1"}
        )
    )
    suite.add_expectation(
        E.ExpectTableColumnsToMatchOrderedList(
            column_list=contract.column_names, meta={**meta, "check": "columns_match_contract"}
        )
    )
    from expectations.column_rules import ExpectColumnsToFollowContractRules, contract_rules
    from expectations.column_types import ExpectColumnTypesToMatchContract

    suite.add_expectation(
        ExpectColumnTypesToMatchContract(
            column_types={c.name: c.type for c in contract.columns},
            meta={**meta, "check": "types_match_contract"},
        )
    )
    rules = contract_rules(contract)
    if one_rules_check and rules:
        suite.add_expectation(
            ExpectColumnsToFollowContractRules(rules=rules, meta={**meta, "check": COLUMN_RULES})
        )
    elif rules:
        for rule in rules:
            column, arg, rule_meta = rule["column"], rule["arg"], {**meta, "check": rule["check"]}
            if rule["kind"] == "not_null":
                e = E.ExpectColumnValuesToNotBeNull(column=column, meta=rule_meta)
            elif rule["kind"] == "allowed":
                e = E.ExpectColumnValuesToBeInSet(column=column, value_set=arg, meta=rule_meta)
            elif rule["kind"] == "range":
                e = E.ExpectColumnValuesToBeBetween(
                    column=column, min_value=arg[0], max_value=arg[1], meta=rule_meta
                )
            else:
                e = E.ExpectColumnValuesToMatchRegex(column=column, regex=arg, meta=rule_meta)
            suite.add_expectation(e)
    if len(contract.key) == 1:
        suite.add_expectation(
            E.ExpectColumnValuesToBeUnique(
                column=contract.key[0], meta={**meta, "check": f"unique({contract.key[0]})"}
            )
        )
    else:
        suite.add_expectation(
            E.ExpectCompoundColumnsToBeUnique(
                column_list=list(contract.key),
                meta={**meta, "check": f"unique({','.join(contract.key)})"},
            )
        )
    if len(suite.expectations) <= 2:
        raise ValueError(f"the suite for {contract.name} checks no column: refusing an empty suite")
    return suite


@lru_cache(maxsize=64)
def _suite(contract: TableContract) -> gx.ExpectationSuite:
    # built once per process: GX's pydantic models make building ~200 expectations cost more
    # than validating a day's rows (a serve process or a backfill validates many runs)
    return build_suite(contract)


def _jsonable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)


def _pandas(df: pl.DataFrame) -> Any:
    """``df`` for GX: Arrow-backed columns (nullable ints stay ints), but numbers without a null
    as plain NumPy columns. GX checks those vectorized; an Arrow-backed column's range checks
    call Python once per value."""
    import polars as pl

    pdf = df.to_pandas(use_pyarrow_extension_array=True)
    for name, dtype in df.schema.items():
        if dtype in (pl.Int64, pl.Float64) and df[name].null_count() == 0:
            pdf[name] = df[name].to_numpy()
    return pdf


def _validator(pdf: Any) -> Any:
    """One validator per frame: GX fingerprints (hashes) the whole frame each time it builds a
    batch, and ``Batch.validate`` builds one more, so the batch is built once and reused."""
    from great_expectations.validator.v1_validator import Validator

    return Validator(_batch_definition(), "BOOLEAN_ONLY", {"dataframe": pdf})


def _run(validator: Any, suite: Any, result_format: str) -> list[Any]:
    validator.result_format = result_format
    with _configurations_memoized():
        return list(validator.validate_expectation_suite(suite).results)


def validate(
    contract: TableContract, df: pl.DataFrame, suite: gx.ExpectationSuite | None = None
) -> list[CheckResult]:
    """Run the contract's suite (or ``suite``) on ``df``; one CheckResult per expectation, and
    one per column rule of the ``column_rules`` expectation.

    A first pass asks GX for pass/fail only (no unexpected-row lists: a third faster on big
    batches); only the expectations that failed run again in full, for counts, rows and keys.
    """
    _batch_definition()  # the context must exist before a suite is built
    suite = suite if suite is not None else _suite(contract)
    validator = _validator(_pandas(df))
    results = _run(validator, suite, "BOOLEAN_ONLY")
    failed = [r.expectation_config for r in results if not r.success]
    if failed:
        gx = _gx()
        again = gx.ExpectationSuite(name=f"{suite.name}.failed")
        for cfg in failed:
            again.add_expectation_configuration(cfg)
        detail = {r.expectation_config.meta["check"]: r for r in _run(validator, again, "COMPLETE")}
        results = [detail.get(r.expectation_config.meta["check"], r) for r in results]
    out: list[CheckResult] = []
    for r in results:
        cfg = r.expectation_config
        res = r.result or {}
        raised = (r.exception_info or {}).get("raised_exception")
        error = (r.exception_info or {}).get("exception_message")
        said = f"check could not run: {error}" if raised else None
        if cfg.meta["check"] == COLUMN_RULES:
            for rule in cfg.kwargs["rules"]:
                name = rule["check"]
                rows = (res.get("failures") or {}).get(name, [])
                why = (res.get("errors") or {}).get(name)
                rule_said = said or (f"check could not run: {why}" if why else None)
                ok = rule_said is None and not rows
                n = len(rows) or (0 if ok else 1)
                out.append(_check_result(contract, df, name, ok, rule_said, rows, n))
            continue
        indices = [i for i in res.get("unexpected_index_list") or [] if isinstance(i, int)]
        n_failed = int(res.get("unexpected_count") or (0 if r.success else max(len(indices), 1)))
        if said is None and "observed_value" in res:
            said = f"observed {_jsonable(res['observed_value'])}"
        out.append(
            _check_result(contract, df, cfg.meta["check"], bool(r.success), said, indices, n_failed)
        )
    return out


def _check_result(
    contract: TableContract,
    df: pl.DataFrame,
    check: str,
    success: bool,
    said: str | None,
    rows_failed: list[int],
    n_failed: int,
) -> CheckResult:
    """One check's result (``said``: what it observed, or why it could not run; else its rows
    failing are counted), its examples and failed keys taken from ``rows_failed``."""
    text = said or f"{0 if success else n_failed} of {df.height} rows fail"
    rows = df[rows_failed] if rows_failed else df.clear()
    return CheckResult(
        table=contract.name,
        check=check,
        success=success,
        observed=text,
        n_failed=n_failed if not success else 0,
        examples=[
            {k: _jsonable(v) for k, v in row.items()} for row in rows.head(_EXAMPLES).to_dicts()
        ],
        failed_keys=rows.select(contract.key).to_dicts() if not success else [],
    )
