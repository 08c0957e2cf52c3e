"""The one-time re-layout of a merged table written before key classes were kept apart
(older lakes): checked once per table and lake object, at its first merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from deltalake import CommitProperties, DeltaTable, write_deltalake

from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from warehouse.contracts import TableContract
    from warehouse.lake.reads import TableReads

# The description of merged tables whose files each hold one key class (see ``key_classes``);
# Delta rejects unknown table properties, so the marker lives in the description.
NARROW = "paperdigest: each file holds one key class, in key order"


def narrow_files(lake: TableReads, name: str, dt: DeltaTable, run_id: str) -> bool:
    """Rewrite, once, a table written before key classes were kept apart: its rows in key order,
    one key class after the other, in files of the bounded size (files of mixed classes span
    the whole key space and defeat merge pruning). True if it did."""
    if dt.metadata().description == NARROW:
        return False
    contract = BY_NAME[name]
    rows = lake.scan(name, dt.version()).collect()
    parts = key_classes(contract, rows) or [("", rows.clear())]
    for i, (part, df) in enumerate(parts):
        write_deltalake(
            lake.table_uri(name),
            contract.to_arrow(df.sort(list(contract.key))),
            mode="overwrite" if i == 0 else "append",
            configuration=FILE_SIZE,
            partition_by=list(contract.partition_by) or None,
            commit_properties=CommitProperties(
                custom_metadata={"paperdigest.run_id": run_id, "paperdigest.part": f"layout:{part}"}
            ),
            storage_options=lake.storage_options,
        )
    DeltaTable(
        lake.table_uri(name), storage_options=lake.storage_options
    ).alter.set_table_description(NARROW)
    return True


# Merged tables keep files that each hold a narrow key range (rows written sorted by key), so a
# run rewrites only the few files holding keys it touches; their size is bounded by
# ``delta_files.rows_per_file``. Tables are created with this setting, and the one-time
# re-layout writes under it, so delta-rs' own writes (an ``optimize`` run by hand included) keep
# a bound instead of its 100 MB default: years of papers.
FILE_SIZE = {"delta.targetFileSize": str(1024 * 1024)}


def key_classes(contract: TableContract, df: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    """``df`` split by the class of its leading key: title keys (``t:<hash>``) apart from arXiv
    ids. Written together, every file would span from the oldest arXiv id to the last hash, and
    a merge touching one recent paper would read and rewrite every file; written apart, each
    file holds a narrow key range and merges prune to the few that hold their keys."""
    if df.height == 0:
        return []
    lead = contract.key[0]
    if contract.write_mode != "merge" or df.schema[lead] != pl.String:
        return [("", df)]
    cls = pl.col(lead).str.extract(r"^([A-Za-z]+:)", 1).fill_null("")
    parts = df.with_columns(cls.alias("_class")).partition_by("_class", as_dict=True)
    return [(str(k[0]), v.drop("_class")) for k, v in sorted(parts.items())]
