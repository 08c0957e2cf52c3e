"""The DuckDB views file: base views over each table's pinned Parquet files, then the SQL views.

It is built beside the live file and renamed over it: a reader never sees a half-built catalog,
and a reader holding the old file open never blocks a publish. Views name a local lake's files
by their path relative to the lake root, so a moved or copied lake keeps reading its own files:
``duck.connect`` sets DuckDB's ``file_search_path`` to the root, and plain ``duckdb
warehouse.duckdb`` works when started in the lake's folder.
"""

from __future__ import annotations

import json
import os
import secrets
from importlib import resources
from typing import TYPE_CHECKING

from warehouse import duck
from warehouse.contracts import ALL, BY_NAME, TableContract
from warehouse.contracts.marts import MART_BY_NAME
from warehouse.marts import SERVED, publish_marts, refresh_marts, relation
from warehouse.table_sql import table_relation_sql

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from pathlib import Path

    from warehouse.lake import Lake

MARTS_MEMORY = "2GB"
# how long a mart file no views file names any more is kept for readers holding an older one
MART_GRACE_S = 3600.0
# a month-partitioned mart write keeps a file open per month, ten years' worth: a month whose
# file was closed and reopened ends up in several files, joined into one afterwards by a second
# write; with every month's file open, each is written once, for little more memory
MARTS_OPEN_FILES = 128
MARTS_FLUSH_ROWS = 65_536

# dependency order: each view only reads base views or views listed before it
SQL_VIEWS = (
    "papers_by_week",
    "trending_daily",
    "paper_history",
    "code_momentum",
    "topic_trends",
    "rising_terms",
    "new_vs_returning",
    "coverage",
    "source_lag",
    "run_health",
)


def base_view_sql(
    contract: TableContract, files: list[str], present: set[str] | None = None
) -> str:
    """``present``: the columns the table's files have; contract columns added later read as NULL."""
    return f'CREATE OR REPLACE VIEW "{contract.name}" AS {table_relation_sql(contract, files, present)}'


def sql_view_text(name: str) -> str:
    return resources.files("warehouse").joinpath("sql", f"{name}.sql").read_text()


def data_versions(versions: dict[str, int | None]) -> dict[str, int | None]:
    """The versions of the tables the marts are computed from (the gated data tables)."""
    return {name: v for name, v in versions.items() if BY_NAME[name].gated}


def build_views(
    lake: Lake,
    versions: dict[str, int | None],
    run_id: str,
    previous: dict[str, int | None] | None = None,
    touched: Collection[str] | None = None,
    mart_grace_s: float = MART_GRACE_S,
    on_step: Callable[[str], None] | None = None,
) -> Path:
    """Write a new views file for ``versions``, bring the marts to them, and swap it in.

    The heavy analytics views (``SERVED``) read their marts; the marts are refreshed from
    this file's views first, incrementally when ``touched`` (the papers the run wrote) and
    ``previous`` (the versions before it) say what changed. Mart files no views file has
    named for ``mart_grace_s`` seconds are removed after the swap. ``on_step`` is called at
    the steps a crash test stops at.
    """
    if lake.clock is None:
        raise RuntimeError("building the views writes the marts: the lake needs the run's clock")
    now = lake.clock.now()
    build = f"{run_id}-{secrets.token_hex(3)}"
    target = lake.views_path
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    con = duck.connect(lake, tmp, read_only=False)
    # a whole marts recompute over years aggregates millions of rows in a process that may
    # already hold a backfill's memory: DuckDB's share is bounded (it spills past it), and a
    # month-partitioned write keeps few files and small buffers open (less memory)
    con.execute(f"SET memory_limit = '{MARTS_MEMORY}'")
    con.execute(f"SET partitioned_write_max_open_files = {MARTS_OPEN_FILES}")
    con.execute(f"SET partitioned_write_flush_threshold = {MARTS_FLUSH_ROWS}")
    # the marts' increments read the same table files in several statements each: decode
    # each file's footer once per build, not once per statement
    con.execute("SET parquet_metadata_cache = true")
    try:
        for contract in ALL:
            v = versions.get(contract.name)
            files = (
                [lake.lake_relative(u) for u in lake.file_uris(contract.name, v)]
                if v is not None
                else []
            )
            present = lake.table_columns(contract.name, v) if v is not None else None
            con.execute(base_view_sql(contract, files, present))
        texts = [(name, sql_view_text(name)) for name in SQL_VIEWS]
        for _, text in texts:
            con.execute(text)
        how, marts = refresh_marts(
            con,
            lake,
            data_versions(versions),
            texts,
            build,
            now,
            data_versions(previous) if previous is not None else None,
            touched,
            on_step,
        )
        for name in SERVED:
            con.execute(
                f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM '
                f"{relation(lake, MART_BY_NAME[name], marts.keys(name))}"
            )
        con.execute(
            "CREATE TABLE _paperdigest_meta AS SELECT ? AS run_id, ? AS built_at, "
            "? AS marts_refresh",
            [run_id, now, json.dumps(how, sort_keys=True)],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.replace(target)
    if on_step:
        on_step("after-views-swap")
    publish_marts(lake, marts, data_versions(versions), mart_grace_s)
    return target
