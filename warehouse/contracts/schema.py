"""The contract vocabulary: a column, a table, and how each logical type maps to the engines.

One declaration per table (see ``tables.py``) drives Polars casts, the Arrow/Delta schema, the
GX suites, the DuckDB base views and the README data dictionary, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl
import pyarrow as pa

LogicalType = Literal["str", "int64", "float64", "bool", "date", "datetime", "list[str]"]

_POLARS: dict[str, pl.DataType] = {
    "str": pl.String(),
    "int64": pl.Int64(),
    "float64": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us", "UTC"),
    "list[str]": pl.List(pl.String()),
}
_ARROW: dict[str, pa.DataType] = {
    "str": pa.large_string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "list[str]": pa.large_list(pa.large_string()),
}
_DUCKDB: dict[str, str] = {
    "str": "VARCHAR",
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMPTZ",
    "list[str]": "VARCHAR[]",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: LogicalType
    description: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    # a regular expression every non-null value must match (ids, months)
    pattern: str | None = None
    # differs between runs that load the same content (run ids, landing times): left out of
    # content hashes, so "the same tables" means the same data
    volatile: bool = False

    @property
    def polars_dtype(self) -> pl.DataType:
        return _POLARS[self.type]

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW[self.type]

    @property
    def duckdb_type(self) -> str:
        return _DUCKDB[self.type]


@dataclass(frozen=True)
class TableContract:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # "append": facts, only ever added; "merge": upserted on the key
    write_mode: Literal["append", "merge"] = "append"
    partition_by: tuple[str, ...] = ()
    # tables that are data (gated, published with the run) vs. the operational log of runs
    gated: bool = True
    # a run that lands anything must add at least one row here
    required_each_run: bool = False
    # pinned by the run ledger (and rolled back by recovery); False for logs written outside runs
    ledgered: bool = True
    version: int = 1
    extra_notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.polars_dtype for c in self.columns})

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in self.columns]
        )

    @property
    def content_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.volatile]

    def empty_frame(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema)

    def conform(self, df: pl.DataFrame) -> pl.DataFrame:
        """Select and cast ``df`` to exactly this contract's columns, in contract order.

        Missing nullable columns are added as nulls; a missing required column is a bug in the
        caller, so it raises instead of silently publishing nulls.
        """
        exprs = []
        for c in self.columns:
            if c.name in df.columns:
                exprs.append(pl.col(c.name).cast(c.polars_dtype, strict=True))
            elif c.nullable:
                exprs.append(pl.lit(None, dtype=c.polars_dtype).alias(c.name))
            else:
                raise ValueError(f"{self.name}: required column {c.name!r} is missing")
        return df.select(exprs)

    def to_arrow(self, df: pl.DataFrame) -> pa.Table:
        """``df`` conformed, as Arrow with the contract's nullability (what Delta writes)."""
        return self.conform(df).to_arrow().cast(self.arrow_schema)
