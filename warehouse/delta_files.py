"""Copy-on-write of a merged table's data files, done by us rather than by delta-rs' ``merge``.

delta-rs' merge joins the source to every file whose key range overlaps the source's (all of
them, once revisited papers span years), hash-shuffles the rows and writes the survivors in
that shuffled order: each rewritten file then spans the whole key space, the next merge can
prune nothing, and a batch copies years of ``papers`` rows for a few changed ones. Here the files holding a changed key are found from the log's per-file key
bounds, each is rewritten one to one (its rows minus the replaced ones plus their new
versions, in key order) so it keeps its narrow key range, and the removes and adds go into
one Delta commit.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import polars as pl
import pyarrow as pa
from deltalake.transaction import AddAction, RemoveAction

if TYPE_CHECKING:
    from deltalake import DeltaTable

    from warehouse.storage import Store

# delta-rs' own bound on string statistics; a longer maximum is left out (a missing bound
# only means the file is never pruned on that column)
_STAT_CHARS = 64
PATH_COLUMN = "_file_path"
_FILE_BYTES, _MIN_ROWS, _MAX_ROWS = 4 * 1024 * 1024, 1_000, 25_000


@dataclass(frozen=True)
class DataFile:
    path: str  # relative to the table, as the log names it
    uri: str
    size: int


def files_with_keys(dt: DeltaTable, base: str, lead: str, keys: pl.Series) -> list[DataFile]:
    """The files of ``dt`` (at ``base``) whose ``lead`` bounds in the log contain one of
    ``keys``: the only files a lookup of those keys has to open. A file without bounds is
    always included."""
    actions = _add_actions(dt)
    wanted = keys.drop_nulls().unique().sort()
    if actions.height == 0 or wanted.len() == 0:
        return []
    lo, hi = f"min.{lead}", f"max.{lead}"
    if lo not in actions.columns or hi not in actions.columns:
        keep = pl.Series([True] * actions.height)
    else:
        mins = actions[lo].cast(wanted.dtype)
        maxs = actions[hi].cast(wanted.dtype)
        # the first wanted key at or above each file's minimum: the file holds a wanted key
        # only if that key is not above the file's maximum
        at = wanted.search_sorted(mins.fill_null(wanted[0]), side="left")
        first = wanted.gather(at.clip(0, wanted.len() - 1))
        keep = (
            mins.is_null()
            | maxs.is_null()
            | ((at < wanted.len()) & (first <= maxs)).fill_null(False)
        )
    return _data_files(actions.filter(keep), base)


def small_files_in_range(
    dt: DeltaTable, base: str, lead: str, lo: Any, hi: Any, max_rows: int
) -> list[DataFile]:
    """The files of ``dt`` holding fewer than ``max_rows`` rows whose ``lead`` bounds overlap
    [``lo``, ``hi``]: what an append into that range folds into its own files, so a key range
    appended to run after run (title keys are hashes: every batch's span them all) stays in a
    few full files instead of one small file per run, each of which every lookup opens."""
    actions = _add_actions(dt)
    mn, mx = f"min.{lead}", f"max.{lead}"
    if actions.height == 0 or mn not in actions.columns or mx not in actions.columns:
        return []
    small = (pl.col("num_records") < max_rows) & (pl.col(mn) <= hi) & (pl.col(mx) >= lo)
    return _data_files(actions.filter(small), base)


def _add_actions(dt: DeltaTable) -> pl.DataFrame:
    """The snapshot's files, one row each: path, size, row count and per-column bounds."""
    actions = pl.from_arrow(pa.table(dt.get_add_actions(flatten=True)))
    assert isinstance(actions, pl.DataFrame)
    return actions


def _data_files(actions: pl.DataFrame, base: str) -> list[DataFile]:
    # the log's paths are percent-encoded; ``base`` and the engines take them as they are
    return [
        DataFile(path, f"{base}/{unquote(path)}", size)
        for path, size in zip(actions["path"], actions["size_bytes"], strict=True)
    ]


def scan_files(
    files: list[DataFile],
    schema: pl.Schema,
    storage_options: dict[str, str] | None,
    with_paths: bool = False,
) -> pl.LazyFrame:
    """Rows of ``files`` (``PATH_COLUMN`` naming each row's file if ``with_paths``); columns a
    file predates read as null."""
    if not files:
        return pl.LazyFrame(schema={**schema, **({PATH_COLUMN: pl.String} if with_paths else {})})
    return pl.scan_parquet(
        [f.uri for f in files],
        schema=schema,
        missing_columns="insert",
        extra_columns="ignore",
        include_file_paths=PATH_COLUMN if with_paths else None,
        storage_options=storage_options,
        hive_partitioning=False,
    )


def read_files(
    files: list[DataFile],
    schema: pl.Schema,
    storage_options: dict[str, str] | None,
    where: pl.Expr | None = None,
) -> pl.DataFrame:
    """Rows of ``files`` (those matching ``where``), with ``PATH_COLUMN``."""
    lf = scan_files(files, schema, storage_options, with_paths=True)
    return (lf.filter(where) if where is not None else lf).collect()


def _stat(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def file_stats(df: pl.DataFrame) -> str:
    """The add action's statistics in delta-rs' format: row count, null counts, and bounds of
    the scalar columns (strings cut to 64 characters, a longer maximum left out; timestamps and
    booleans left out, timestamps' bounds would be rounded to milliseconds)."""
    mins: dict[str, Any] = {}
    maxs: dict[str, Any] = {}
    nulls: dict[str, int] = {}
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.List):
            continue
        col = df[name]
        nulls[name] = col.null_count()
        if dtype == pl.Datetime or dtype == pl.Boolean or nulls[name] == col.len():
            continue
        lo, hi = _stat(col.min()), _stat(col.max())
        if isinstance(lo, str):
            lo = lo[:_STAT_CHARS]
            if len(hi) > _STAT_CHARS:
                hi = None
        mins[name] = lo
        if hi is not None:
            maxs[name] = hi
    return json.dumps(
        {"numRecords": df.height, "minValues": mins, "maxValues": maxs, "nullCount": nulls},
        default=str,
    )


def rows_per_file(df: pl.DataFrame) -> int:
    """Rows in one data file of ``df``'s kind: a few MB in memory, so a rewrite of the file that
    holds one changed key copies a few thousand wide ``papers`` rows or ~25,000 narrow term
    rows, never the ~300,000 a byte-sized file of terms would hold."""
    if df.height == 0:
        return _MAX_ROWS
    per_row = max(df.estimated_size() / df.height, 1.0)
    return int(min(max(_FILE_BYTES / per_row, _MIN_ROWS), _MAX_ROWS))


def write_files(store: Store, table_key: str, df: pl.DataFrame, stamp_ms: int) -> list[AddAction]:
    """Write ``df`` (conformed to its contract, in key order) as new data files of the table at
    ``table_key``, each a contiguous slice of ``rows_per_file`` rows; their add actions, stamped
    ``stamp_ms`` (the run's clock, in ms since the epoch)."""
    step = rows_per_file(df)
    return [
        _write_file(store, table_key, df.slice(at, step), stamp_ms)
        for at in range(0, df.height, step)
    ]


def _write_file(store: Store, table_key: str, df: pl.DataFrame, stamp_ms: int) -> AddAction:
    # Polars' writer, not pyarrow's: the same Parquet types, faster on long text columns (where
    # pyarrow's dictionary attempts go), and outside the GIL, so a rewrite's two threads both work
    buf = io.BytesIO()
    df.write_parquet(buf, compression="snappy")
    data = buf.getvalue()
    path = f"part-00000-{uuid.uuid4()}-c000.snappy.parquet"
    store.write(f"{table_key}/{path}", data)
    return AddAction(path, len(data), {}, stamp_ms, True, file_stats(df))


def remove_action(file: DataFile, stamp_ms: int) -> RemoveAction:
    """The removal of ``file``, stamped ``stamp_ms``: vacuum's retention counts from it."""
    return RemoveAction(file.path, True, stamp_ms, file.size, {})
