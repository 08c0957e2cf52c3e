"""Parquet marts for dashboards, kept incrementally: each analytics view, cast to its mart
contract, in one Parquet file per month (``marts/<mart>/<YYYY-MM>.parquet``) or, for the small
ones, in ``marts/<mart>/all.parquet``.

A run recomputes only what it touched: the rows of the papers it wrote and the days or weeks
those papers appear in (``sql/increments/<mart>.sql`` names that scope and narrows the view's
inputs to it), then rewrites the month files those rows live in. Everything is recomputed when
the marts were not built from the previous run's table versions (a first run, the end of a
backfill, a crash between the ledger and the marts): ``marts/_state.json`` records them.

Every reader sees one run: a file is written once, under a name of the build that wrote it
(``marts/_files/<mart>/<part>.<build>.parquet``), and ``marts/_state.json`` lists each mart's
current files. The views file names those files, so a reader of an older views file keeps
reading the files it names; a file no state lists any more is removed only after a grace period
(``Settings.mart_grace_s``), long enough for open connections. After the new views file is in,
``marts/<mart>/<part>.parquet`` (what dashboards glob) is brought to the state, each file
replaced whole (a hard link to the build's file, or a copy on S3). A state whose files are
missing or of another size is not trusted: the marts are recomputed whole.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from warehouse.contracts import BY_NAME
from warehouse.contracts.marts import MART_BY_NAME, MARTS
from warehouse.table_sql import column_casts, quote, table_relation_sql

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    import duckdb

    from warehouse.contracts.schema import TableContract
    from warehouse.lake import Lake

_STATE = "marts/_state.json"
_FILES = "marts/_files"
# 1: one file per mart; 2: a folder of month files per mart; 3: the same, recomputed once
# because layout 2 could leave a month written in several files with a stray "_part" column;
# 4: files named by the build that wrote them, listed in the state
_LAYOUT = 4
_EMPTY = "empty"

# The date column whose month names a mart's files. Marts not listed are one file, always
# recomputed whole (they are small: a row per run, a row per source and day).
MONTH_OF = {
    "papers_by_week": "week",
    "trending_daily": "digest_date",
    "paper_history": "first_seen",
    "code_momentum": "first_seen",
    "topic_trends": "week",
    "rising_terms": "week",
    "new_vs_returning": "digest_date",
    "source_lag": "first_anywhere",
}

# Views the views file serves from their marts: over years of history each of them aggregates
# every entry, too slow to recompute per query (bench/RESULTS.md: the views' times).
SERVED = (
    "papers_by_week",
    "paper_history",
    "code_momentum",
    "topic_trends",
    "rising_terms",
    "new_vs_returning",
    "source_lag",
)


def mart_prefix(name: str) -> str:
    return f"marts/{name}"


def _part_key(name: str, part: str) -> str:
    """Where dashboards read a mart's part (``marts/<mart>/<part>.parquet``)."""
    return f"{mart_prefix(name)}/{part}.parquet"


@dataclass
class MartFiles:
    """The marts' files as a build leaves them: each mart's parts (part -> [key, bytes]), and
    the files earlier builds listed that an open views file may still read (key -> when they
    left the state, ISO 8601)."""

    parts: dict[str, dict[str, list[Any]]]
    retired: dict[str, str]
    build: str
    now: datetime

    @classmethod
    def of(cls, state: dict[str, Any] | None, build: str, now: datetime) -> MartFiles:
        parts = {m: dict(p) for m, p in (state or {}).get("parts", {}).items()}
        return cls(parts, dict((state or {}).get("retired", {})), build, now)

    def keys(self, mart: str) -> list[str]:
        return sorted(entry[0] for entry in self.parts.get(mart, {}).values())

    def key(self, mart: str, part: str) -> str | None:
        entry = self.parts.get(mart, {}).get(part)
        return str(entry[0]) if entry else None

    def new_key(self, mart: str, part: str) -> str:
        return f"{_FILES}/{mart}/{part}.{self.build}.parquet"

    def put(self, mart: str, part: str, key: str, size: int) -> None:
        self.drop(mart, part)
        self.retired.pop(key, None)  # written again by this build: listed, not retired
        self.parts.setdefault(mart, {})[part] = [key, size]

    def drop(self, mart: str, part: str) -> None:
        old = self.parts.get(mart, {}).pop(part, None)
        if old:
            self.retired[str(old[0])] = self.now.isoformat()

    def retire_all(self) -> None:
        for mart in list(self.parts):
            for part in list(self.parts[mart]):
                self.drop(mart, part)

    def listed(self) -> set[str]:
        return {str(e[0]) for parts in self.parts.values() for e in parts.values()}


def mart_keys(lake: Lake, name: str) -> list[str]:
    """The mart's current Parquet objects, relative to the lake (sorted), as the state lists
    them."""
    state = read_state(lake)
    return MartFiles.of(state, "", datetime.min).keys(name) if state else []


def _uri(lake: Lake, key: str) -> str:
    """A mart file as SQL reads it: relative to the lake root (``duck.connect`` searches
    there), or its URI on a remote lake."""
    return key if not lake.store.remote else f"{lake.store.uri}/{key}"


def mart_sql(mart: TableContract) -> str:
    return f'SELECT {column_casts(mart)} FROM "{mart.name}"'


def relation(lake: Lake, mart: TableContract, keys: list[str]) -> str:
    """SQL reading the mart's files ``keys`` (an empty, typed relation when there are none)."""
    if not keys:
        return f"({table_relation_sql(mart, [])})"
    return "read_parquet([" + ", ".join(quote(_uri(lake, k)) for k in keys) + "])"


def read_state(lake: Lake) -> dict[str, Any] | None:
    try:
        state = json.loads(lake.store.read(_STATE))
    except (FileNotFoundError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _built_from(state: dict[str, Any] | None, versions: dict[str, int | None] | None) -> bool:
    return (
        state is not None
        and versions is not None
        and state.get("layout") == _LAYOUT
        and state.get("versions") == versions
    )


def damaged_files(lake: Lake, state: dict[str, Any] | None) -> list[str]:
    """The files the state lists that are missing or of another size, and the marts it does
    not list at all: a state with any cannot be trusted."""
    if state is None or state.get("layout") != _LAYOUT:
        return []
    parts = state.get("parts", {})
    bad = [f"{m.name} (no files listed)" for m in MARTS if not parts.get(m.name)]
    # on S3 one listing, not a request per file: there a file is checked for presence only
    present = set(lake.store.list(_FILES)) if lake.store.remote else None
    for mart in sorted(parts):
        for key, size in sorted(parts[mart].values()):
            if (key not in present) if present is not None else lake.store.size(key) != size:
                bad.append(key)
    return bad


def stale_marts(lake: Lake, data_versions: dict[str, int | None]) -> bool:
    """Were the marts built from other data table versions (or never finished)?"""
    return not _built_from(read_state(lake), data_versions)


def _increment_sql(name: str, lake: Lake, files: MartFiles, suffix: str = "") -> list[str]:
    """The statements of ``increments/<name><suffix>.sql`` (none when there is no such file)."""
    path = resources.files("warehouse").joinpath("sql", "increments", f"{name}{suffix}.sql")
    if not path.is_file():
        return []
    text = path.read_text()
    pbw = MART_BY_NAME["papers_by_week"]
    text = text.replace("{papers_by_week}", relation(lake, pbw, files.keys(pbw.name)))
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s for s in (p.strip() for p in code.split(";")) if s]


def refresh_marts(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    data_versions: dict[str, int | None],
    view_sql: Collection[tuple[str, str]],
    build: str,
    now: datetime,
    previous: dict[str, int | None] | None = None,
    touched: Collection[str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> tuple[dict[str, str], MartFiles]:
    """Bring every mart to ``data_versions`` in new files named by ``build`` and write the
    state that lists them; returns how each was refreshed, and the files.

    ``con`` is the views file being built (its views read the new versions); ``view_sql`` the
    (name, CREATE VIEW text) of the analytics views. With ``touched`` (the papers a run wrote)
    and marts built from ``previous``, only the touched scope is recomputed. No file a state
    listed is changed or removed here (see ``publish_marts``).
    """
    step = on_step or (lambda _name: None)
    state = read_state(lake)
    files = MartFiles.of(state, build, now)
    damaged = damaged_files(lake, state)
    if damaged:  # recompute whole: the state's files are not what it says
        files.retire_all()  # (an open views file may still read the ones that are there)
        state = None
    how: dict[str, str] = {}
    if _built_from(state, data_versions):
        how["run_health"] = _whole(con, lake, MART_BY_NAME["run_health"], files)
        _write_state(lake, data_versions, files)
        return how, files
    incremental = touched is not None and _built_from(state, previous)
    if incremental:
        assert touched is not None
        con.register("touched_arrow", touched_table(touched))
        con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT * FROM touched_arrow")
        con.unregister("touched_arrow")
        # every entry of the touched papers, read once for all the increments
        entries = narrowed_rows(lake, data_versions, "digest_entries", "paper_id", touched)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE touched_entries AS SELECT * FROM ({entries}) "
            "WHERE paper_id IN (SELECT paper_id FROM touched)"
        )
        assert previous is not None
        for table in ("paper_topics", "paper_terms"):
            changed = _rows_changed(
                lake, table, previous.get(table), data_versions.get(table), touched
            )
            con.register("changed_arrow", touched_table(changed))
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table}_changed AS SELECT * FROM changed_arrow"
            )
            con.unregister("changed_arrow")
    main = '"' + str(con.execute("SELECT current_database()").fetchone()[0]) + '"'  # type: ignore[index]
    texts = dict(view_sql)
    for mart in MARTS:
        if incremental and mart.name in MONTH_OF:
            how[mart.name] = _increment(
                con, lake, data_versions, mart, main, texts[mart.name], files
            )
        else:
            how[mart.name] = _whole(con, lake, mart, files)
        step(f"after-mart:{mart.name}")
    if damaged:
        how["rebuilt"] = "files missing or changed: " + ", ".join(damaged[:5])
    _write_state(lake, data_versions, files)
    return how, files


def _write_state(lake: Lake, versions: dict[str, int | None], files: MartFiles) -> None:
    state = {
        "layout": _LAYOUT,
        "versions": versions,
        "parts": files.parts,
        "retired": files.retired,
    }
    lake.store.write(_STATE, json.dumps(state, sort_keys=True).encode())


def publish_marts(
    lake: Lake, files: MartFiles, versions: dict[str, int | None], grace_s: float
) -> None:
    """Once the views file naming ``files`` is in: bring the dashboards' copies
    (``marts/<mart>/<part>.parquet``) to it, and remove the files no views file has named
    for ``grace_s`` seconds (and those of builds that never finished)."""
    for mart in MARTS:
        parts = files.parts.get(mart.name, {})
        for part, (key, _size) in sorted(parts.items()):
            copy = _part_key(mart.name, part)
            if not lake.store.same(key, copy):
                lake.store.copy(key, copy)
        for key in lake.store.list(mart_prefix(mart.name)):
            if key.endswith(".parquet") and Path(key).stem not in parts:
                lake.store.delete(key)
    expired = [
        k
        for k, when in files.retired.items()
        if (files.now - datetime.fromisoformat(when)).total_seconds() >= grace_s
    ]
    known = files.listed() | set(files.retired)
    # files of a build that died before its state: no views file ever named them
    orphans = [k for k in lake.store.list(_FILES) if k not in known]
    for key in [*expired, *orphans]:
        lake.store.delete(key)
    for key in expired:
        files.retired.pop(key, None)
    if expired:
        _write_state(lake, versions, files)


def _increment(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    versions: dict[str, int | None],
    mart: TableContract,
    main: str,
    view_text: str,
    files: MartFiles,
) -> str:
    """Recompute the scope a run touched in a scratch catalog whose inputs are narrowed to it."""
    con.execute("ATTACH ':memory:' AS scope")
    try:
        con.execute("USE scope")
        # names not narrowed here resolve in the views file (binding a forwarding view per
        # table would read every file footer of it once per mart)
        con.execute(f"SET search_path = 'scope.main,{main.strip(chr(34))}.main'")
        for statement in _increment_sql(mart.name, lake, files):
            con.execute(_bind_rows(con, lake, versions, statement))
        con.execute(view_text)
        con.execute(f"USE {main}")
        column = con.execute("SELECT * FROM temp.scope_keys LIMIT 0").description[0][0]
        scope = f'"{column}" IN (SELECT "{column}" FROM temp.scope_keys)'
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE fresh AS SELECT *, {_month(mart)} AS _part "
            f'FROM (SELECT {column_casts(mart)} FROM scope."{mart.name}") WHERE {scope}'
        )
        for statement in _increment_sql(mart.name, lake, files, ".after"):
            con.execute(statement)  # before the rewrite: reads the mart's old files
        result = _rewrite(con, lake, mart, "fresh", scope, files)
    finally:
        con.execute(f"USE {main}")
        con.execute("RESET search_path")
        con.execute("DETACH scope")
    return result


_ROWS = re.compile(r"\{rows:(\w+):(\w+):(\w+)\}")


def narrowed_rows(
    lake: Lake, versions: dict[str, int | None], table: str, column: str, values: Collection[Any]
) -> str:
    """SQL of the rows of ``table`` (at its version in ``versions``) read from only the files
    whose ``column`` bounds in the Delta log hold one of ``values``; filter the rows yourself.

    The views file's base view lists every file of the table, and DuckDB opens each footer to
    skip it: ~500 per table at 5 years, most of an increment's time, for a few weeks' rows."""
    contract = BY_NAME[table]
    version = versions.get(table)
    if version is None or not values:
        return table_relation_sql(contract, [])
    files = lake.files_with_keys(table, {column: values}, version)
    present = lake.table_columns(table, version)
    return table_relation_sql(contract, [f.uri for f in files], present)


def _bind_rows(
    con: duckdb.DuckDBPyConnection, lake: Lake, versions: dict[str, int | None], statement: str
) -> str:
    """``{rows:table:column:scope}``: the rows of ``table`` whose ``column`` value is one of
    temp table ``scope``'s, read from the files that can hold them (``narrowed_rows``)."""

    def rows(m: re.Match[str]) -> str:
        table, column, scope = m.groups()
        values = con.execute(
            f'SELECT DISTINCT "{column}" FROM temp.{scope} WHERE "{column}" IS NOT NULL'
        ).fetchall()
        source = narrowed_rows(lake, versions, table, column, [v[0] for v in values])
        return (
            f'(SELECT * FROM ({source}) WHERE "{column}" IN (SELECT "{column}" FROM temp.{scope}))'
        )

    return _ROWS.sub(rows, statement)


def _month(mart: TableContract) -> str:
    col = MONTH_OF.get(mart.name)
    return f"""coalesce(strftime("{col}", '%Y-%m'), 'none')""" if col else "'all'"


def _rewrite(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    mart: TableContract,
    fresh: str,
    scope: str,
    files: MartFiles,
) -> str:
    """Replace the rows of ``scope`` by the rows of the table ``fresh`` (with their file's name
    in ``_part``) in new files for the parts holding either."""
    month = _month(mart)
    old = relation(lake, mart, files.keys(mart.name))
    parts = {
        str(r[0])
        for r in con.execute(
            f"SELECT DISTINCT _part FROM {fresh} UNION SELECT DISTINCT {month} FROM {old} WHERE {scope}"
        ).fetchall()
    }
    order = ", ".join(f'"{k}"' for k in mart.key)
    tmpdir = Path(tempfile.mkdtemp(prefix=".marts-", dir=lake.engine_root))
    try:
        for part in sorted(parts):
            current = files.key(mart.name, part)
            kept = (
                f"SELECT * FROM read_parquet({quote(_uri(lake, current))}) WHERE NOT ({scope})"
                if current
                else f"SELECT * FROM {relation(lake, mart, [])}"
            )
            tmp = tmpdir / f"{part}.parquet"
            row = con.execute(
                f"COPY ({kept} UNION ALL BY NAME SELECT * EXCLUDE (_part) FROM {fresh} "
                f"WHERE _part = {quote(part)} ORDER BY {order}) TO {quote(str(tmp))} "
                "(FORMAT parquet, COMPRESSION zstd)"
            ).fetchone()
            if row and int(row[0]):
                _put(lake, files, mart.name, part, tmp)
            else:
                files.drop(mart.name, part)
        _never_without_files(con, lake, mart, tmpdir, files)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        con.execute(f"DROP TABLE IF EXISTS {fresh}")
    return f"{len(parts)} files"


def _whole(
    con: duckdb.DuckDBPyConnection, lake: Lake, mart: TableContract, files: MartFiles
) -> str:
    """The whole mart from its view, streamed by DuckDB into one folder per month (nothing
    materialized: over years a mart is millions of rows), each month then one new file."""
    tmpdir = Path(tempfile.mkdtemp(prefix=".marts-", dir=lake.engine_root))
    try:
        out = tmpdir / "parts"
        con.execute(
            f"COPY (SELECT *, {_month(mart)} AS _part FROM ({mart_sql(mart)})) TO {quote(str(out))} "
            "(FORMAT parquet, PARTITION_BY (_part), COMPRESSION zstd)"
        )
        written = set()
        for folder in sorted(out.glob("_part=*")) if out.exists() else []:
            part = folder.name.split("=", 1)[1]
            tmp = tmpdir / f"{part}.parquet"
            _one_file(con, sorted(folder.glob("*.parquet")), tmp)
            _put(lake, files, mart.name, part, tmp)
            written.add(part)
        for part in set(files.parts.get(mart.name, {})) - written:
            files.drop(mart.name, part)
        _never_without_files(con, lake, mart, tmpdir, files)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return "whole"


def _one_file(con: duckdb.DuckDBPyConnection, files: list[Path], out: Path) -> None:
    """A month's files of a partitioned ``COPY`` as one file (DuckDB splits a partition when it
    closes and reopens it). Read without hive partitioning: the files sit in ``_part=<month>``
    folders, and the partition column must not come back as a column of the mart."""
    if len(files) == 1:
        files[0].rename(out)
        return
    listed = ", ".join(quote(str(f)) for f in files)
    con.execute(
        f"COPY (SELECT * FROM read_parquet([{listed}], hive_partitioning = false)) "
        f"TO {quote(str(out))} (FORMAT parquet, COMPRESSION zstd)"
    )


def _never_without_files(
    con: duckdb.DuckDBPyConnection, lake: Lake, mart: TableContract, tmpdir: Path, files: MartFiles
) -> None:
    """A mart with no rows is one empty file, so ``marts/<mart>/*.parquet`` always reads."""
    parts = files.parts.get(mart.name, {})
    if not [p for p in parts if p != _EMPTY]:
        if _EMPTY not in parts:
            tmp = tmpdir / f"{_EMPTY}.parquet"
            con.execute(
                f"COPY (SELECT * FROM {relation(lake, mart, [])}) TO {quote(str(tmp))} "
                "(FORMAT parquet)"
            )
            _put(lake, files, mart.name, _EMPTY, tmp)
    elif _EMPTY in parts:
        files.drop(mart.name, _EMPTY)


def _put(lake: Lake, files: MartFiles, mart: str, part: str, tmp: Path) -> None:
    """``tmp`` as the part's new file, under a name of this build's (never over a listed one)."""
    key = files.new_key(mart, part)
    size = tmp.stat().st_size
    if lake.store.remote:
        lake.store.write(key, tmp.read_bytes())
    else:
        target = lake.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.replace(target)
    files.put(mart, part, key, size)


def _rows_changed(
    lake: Lake, table: str, before: int | None, after: int | None, touched: Collection[str]
) -> set[str]:
    """The touched papers whose rows of ``table`` differ between two versions (a paper whose
    topics or terms changed moves the weekly shares of every week it was seen in)."""
    contract = BY_NAME[table]
    ids = pl.Series(sorted(set(touched)), dtype=pl.String).implode()

    def rows(version: int | None) -> pl.DataFrame:
        if version is None:
            return contract.empty_frame().select(contract.content_columns)
        return (
            lake.scan_with_keys(table, {"paper_id": touched}, version)
            .filter(pl.col("paper_id").is_in(ids))
            .select(contract.content_columns)
            .collect()
        )

    old, new = rows(before), rows(after)
    diff = pl.concat(
        [
            old.join(new, on=old.columns, how="anti", nulls_equal=True),
            new.join(old, on=new.columns, how="anti", nulls_equal=True),
        ]
    )
    return set(diff["paper_id"].to_list())


def touched_table(paper_ids: Collection[str]) -> pa.Table:
    return pa.table({"paper_id": pa.array(sorted(set(paper_ids)), pa.string())})
