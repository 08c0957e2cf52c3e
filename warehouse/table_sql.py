"""SQL reading a table's Parquet files as its contract's columns: the views file's base views,
and the marts' increments, which read only the files holding their scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warehouse.contracts import TableContract


def quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _local(uri: str) -> str:
    return uri.removeprefix("file://")


def column_casts(contract: TableContract, present: set[str] | None = None) -> str:
    """The contract's columns cast to their DuckDB types; those not in ``present`` (columns
    the files predate) as typed NULLs."""
    have = present if present is not None else set(contract.column_names)
    sources = {c.name: f'"{c.name}"' if c.name in have else "NULL" for c in contract.columns}
    return ", ".join(
        f'CAST({sources[c.name]} AS {c.duckdb_type}) AS "{c.name}"' for c in contract.columns
    )


def table_relation_sql(
    contract: TableContract, files: list[str], present: set[str] | None = None
) -> str:
    """A SELECT of ``files`` as the contract's columns. ``present``: the columns the table's
    files have; contract columns added later read as NULL."""
    if not files:
        return f"SELECT {column_casts(contract, set())} WHERE false"
    cols = column_casts(contract, present)
    file_list = "[" + ", ".join(quote(_local(f)) for f in files) + "]"
    if contract.partition_by:
        types = ", ".join(f"{quote(p)}: 'VARCHAR'" for p in contract.partition_by)
        source = f"read_parquet({file_list}, hive_partitioning = true, hive_types = {{{types}}}, union_by_name = true)"
    else:
        source = f"read_parquet({file_list}, union_by_name = true)"
    return f"SELECT {cols} FROM {source}"
