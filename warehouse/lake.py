"""The lake on disk: raw zone, Delta tables, run ledgers, and the lock that serializes runs.

Delta commits one table at a time, so the run ledger ``runs/<run_id>.json`` is the commit point
of a whole run: it is written last, atomically, with the version of every table. Readers pin
versions from the newest ledger; a crash between table commits is rolled back by ``recover``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake import Schema as DeltaSchema

from warehouse.contracts import BY_NAME, TableContract
from warehouse.delta_files import (
    PATH_COLUMN,
    DataFile,
    files_with_keys,
    read_files,
    remove_action,
    rows_per_file,
    scan_files,
    small_files_in_range,
    write_files,
)
from warehouse.health import LakeDamaged, read_ledger, repair_torn_commits
from warehouse.storage import (
    UNOPENABLE,
    LocalStore,
    ObjectStore,
    Store,
    engine_root_for,
    is_remote,
    local_workdir,
    s3_options_from_env,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping, Sequence

    from deltalake.transaction import AddAction, RemoveAction

    from warehouse.clock import Clock


class LakeBusy(RuntimeError):
    """Another run holds the lake."""


class LakePathError(ValueError):
    """A lake root the storage engines cannot open."""


@dataclass
class _Snapshots:
    """Which newest snapshots this lake object knows to be current. Only while it holds the
    lake's lock (every writer takes it, so nobody else commits) and only until its own next
    write to the table: then a run need not list each table's log again before every read
    (~50 listings a run)."""

    holding: bool = False
    current: set[str] = field(default_factory=set)

    def known(self, name: str) -> None:
        if self.holding:
            self.current.add(name)

    def wrote(self, name: str) -> None:
        self.current.discard(name)


@dataclass(frozen=True)
class Lake:
    """``root`` is local: the lake itself on a disk, or a remote lake's working folder (its lock,
    views file and search index); ``store`` holds the lake's objects wherever they live."""

    root: Path
    store: Store
    _tables: dict[tuple[str, bool], DeltaTable] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    _snapshots: _Snapshots = field(
        default_factory=_Snapshots, compare=False, hash=False, repr=False
    )
    # the clock of the runs that write here (Settings gives it); a lake opened only to read
    # has none
    clock: Clock | None = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def at(
        cls,
        location: str | Path,
        storage_options: dict[str, str] | None = None,
        clock: Clock | None = None,
    ) -> Lake:
        if is_remote(location):
            url = str(location).rstrip("/")
            opts = storage_options if storage_options is not None else s3_options_from_env()
            return cls(local_workdir(url), ObjectStore(url, opts), clock=clock)
        root = Path(location).expanduser().resolve()
        if UNOPENABLE.search(str(root)):
            raise LakePathError(
                f"{root}: a lake path cannot hold '[' or ']': delta-rs, which reads and writes "
                "the Delta tables, cannot open tables under such a path; choose another folder"
            )
        return cls(root, LocalStore(root), clock=clock)

    def _stamp_ms(self) -> int:
        """The moment a data file is added or removed, in ms, from the writing run's clock."""
        if self.clock is None:
            raise RuntimeError("this lake was opened to read: writing needs the run's clock")
        return int(self.clock.now().timestamp() * 1000)

    # -- paths -------------------------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the lake is, as the user names it (a folder or s3://bucket/prefix)."""
        return self.store.uri

    @property
    def storage_options(self) -> dict[str, str] | None:
        return self.store.storage_options

    @property
    def views_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @cached_property
    def engine_root(self) -> Path:
        """The local root as delta-rs, Polars and DuckDB are given it (``engine_root_for``)."""
        return engine_root_for(self.root)

    def table_uri(self, name: str) -> str:
        return f"{self.store.uri}/tables/{name}"

    def engine_path(self, path: Path) -> Path:
        """A local file of the lake as DuckDB and Polars are given it (under ``engine_root``:
        DuckDB reads a "?" in a database path as the start of its options)."""
        try:
            return self.engine_root / path.relative_to(self.root)
        except ValueError:
            return path

    def _files_base(self, name: str) -> str:
        """Where Polars and DuckDB find the table's data files (``engine_root``)."""
        if self.store.remote:
            return self.table_uri(name)
        return f"{self.engine_root}/tables/{name}"

    @cached_property
    def _encoded(self) -> bool:
        """Does delta-rs give this lake's file URIs percent-encoded (a space, non-ASCII, ...)?"""
        return not self.store.remote and quote(str(self.root), safe="/") != str(self.root)

    def engine_uri(self, uri: str) -> str:
        """A file URI delta-rs gave, as a path Polars and DuckDB read: local ones come back
        percent-encoded ("l%C3%A4ke%20x" for "läke x") and under the real root."""
        if self.store.remote:
            return uri
        path = unquote(uri)
        real = str(self.root)
        if self.engine_root != self.root and path.startswith(real + "/"):
            path = f"{self.engine_root}{path[len(real) :]}"
        return path

    def lake_relative(self, uri: str) -> str:
        """What the views file names a file by: its path relative to the lake root (read
        with DuckDB's ``file_search_path`` at the root, so a moved or copied lake still
        reads), or its URI on a remote lake."""
        if self.store.remote:
            return uri
        return str(Path(uri).relative_to(self.engine_root))

    def _delta(self, name: str, version: int | None = None) -> DeltaTable:
        """The table at ``version`` (a version never changes: loaded once per lake object) or
        at its newest (loaded once, then brought up to date by reading only the new commits:
        a run opens its tables ~100 times, and each full load replays the log)."""
        # one snapshot per table and kind: a snapshot holds the table's file list, and a
        # backfill's lake object lives through thousands of versions
        key = (name, version is not None)
        dt = self._tables.get(key)
        if dt is not None:
            if version is not None and dt.version() == version:
                return dt
            if version is None:
                if name in self._snapshots.current:
                    return dt
                try:
                    dt.update_incremental()
                    self._snapshots.known(name)
                    return dt
                except Exception:  # the table was replaced underneath: load it afresh
                    pass
        try:
            dt = DeltaTable(
                self.table_uri(name), version=version, storage_options=self.storage_options
            )
        except Exception as e:
            if not self._is_delta(name):
                raise
            at = f" at v{version}" if version is not None else ""
            raise LakeDamaged(
                f"table {name}{at} cannot be read ({type(e).__name__}: {e}); its log is "
                f"{self.location}/tables/{name}/_delta_log (paperdigest check tells more)"
            ) from None
        self._tables[key] = dt
        if version is None:
            self._snapshots.known(name)
        return dt

    def forget(self, name: str) -> None:
        """Drop the table's snapshots (its log changed under them)."""
        self._tables.pop((name, False), None)
        self._tables.pop((name, True), None)
        self._snapshots.wrote(name)

    def data_files(self, name: str, version: int) -> list[tuple[str, int]]:
        """(key relative to the lake, bytes) of every data file of the table at ``version``."""
        dt = self._delta(name, version)
        actions = dt.get_add_actions(flatten=True)
        paths = actions.column("path").to_pylist()
        sizes = actions.column("size_bytes").to_pylist()
        return [(f"tables/{name}/{unquote(p)}", int(n)) for p, n in zip(paths, sizes, strict=True)]

    def _is_delta(self, name: str) -> bool:
        return DeltaTable.is_deltatable(self.table_uri(name), storage_options=self.storage_options)

    def quarantine_key(self, run_id: str, file: str) -> str:
        return f"quarantine/{run_id}/{file}"

    # -- lock --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, wait_s: float = 30.0) -> Iterator[None]:
        """Hold the lake's write lock; runs of any process never overlap."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / ".lock"
        with open(path, "a+") as fh:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        fh.seek(0)
                        holder = fh.read().strip() or "unknown"
                        raise LakeBusy(
                            f"another paperdigest run holds {path} ({holder}); try again later"
                        ) from None
                    time.sleep(0.2)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}")
            fh.flush()
            # snapshots from before the lock may be behind another process's commits
            self._snapshots.current.clear()
            self._snapshots.holding = True
            try:
                yield
            finally:
                self._snapshots.holding = False
                self._snapshots.current.clear()
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # -- ledgers -----------------------------------------------------------------------------
    def ledger_keys(self) -> list[str]:
        return [k for k in self.store.list("runs") if k.endswith(".json")]

    def latest_ledger(self) -> dict[str, Any] | None:
        """The newest run ledger: the one ``runs/LATEST`` names (written after it, atomically);
        when LATEST names no ledger, the ledger of the highest sequence."""
        named = self.latest_pointer()
        if named is not None:
            try:
                return read_ledger(self, named)
            except FileNotFoundError:
                pass
        # no pointer (an older lake, a crash before the first pointer, a damaged pointer)
        ledgers = [read_ledger(self, k) for k in self.ledger_keys()]
        return max(ledgers, key=lambda d: d.get("seq", 0)) if ledgers else None

    def latest_pointer(self) -> str | None:
        """The ledger key ``runs/LATEST`` names, when it names one."""
        try:
            run_id = self.store.read("runs/LATEST").decode().strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return f"runs/{run_id}.json" if run_id and "/" not in run_id else None

    def repair_pointer(self) -> list[str]:
        """Point a ``runs/LATEST`` that names no ledger at the newest one (under the lock)."""
        named = self.latest_pointer()
        if (named is not None and self.store.exists(named)) or not self.store.exists("runs/LATEST"):
            return []
        ledger = self.latest_ledger()
        if ledger is None:
            self.store.delete("runs/LATEST")
            return ["runs/LATEST named no ledger: removed (there is none)"]
        self.store.write("runs/LATEST", str(ledger["run_id"]).encode())
        return [f"runs/LATEST named no ledger: it names {ledger['run_id']} again (highest seq)"]

    def pinned_versions(self) -> dict[str, int | None]:
        ledger = self.latest_ledger()
        return {name: self._pinned(name, ledger) for name in BY_NAME}

    def _pinned(self, name: str, ledger: dict[str, Any] | None) -> int | None:
        # logs written outside runs (fetches) are read at their newest version
        if not BY_NAME[name].ledgered:
            return self.current_version(name)
        return ledger.get("table_versions", {}).get(name) if ledger else None

    def write_ledger(self, ledger: dict[str, Any]) -> str:
        """Write the ledger, then point LATEST at it: the commit point of a whole run."""
        previous = self.latest_ledger()
        ledger = {**ledger, "seq": (previous.get("seq", 0) if previous else 0) + 1}
        key = f"runs/{ledger['run_id']}.json"
        self.store.write(key, json.dumps(ledger, indent=2, default=str).encode())
        self.store.write("runs/LATEST", ledger["run_id"].encode())
        return key

    # -- tables ------------------------------------------------------------------------------
    def current_version(self, name: str) -> int | None:
        if not self._is_delta(name):
            return None
        return self._delta(name).version()

    def scan(self, name: str, version: int | None = None) -> pl.LazyFrame:
        """The table at ``version`` (default: the pinned one); an empty frame before first write."""
        contract = BY_NAME[name]
        if version is None:
            version = self._pinned(name, self.latest_ledger())
        if version is None:
            return contract.empty_frame().lazy()
        dt = self._delta(name, version)
        # Polars' scan_delta opens the percent-encoded URIs as they are: read those lakes
        # through delta-rs' own dataset, which decodes them
        lf = (
            pl.scan_pyarrow_dataset(dt.to_pyarrow_dataset()) if self._encoded else pl.scan_delta(dt)
        )
        # a column added to the contract after the table was written reads as null
        have = set(lf.collect_schema().names())
        missing = [c for c in contract.columns if c.name not in have]
        if missing:
            lf = lf.with_columns(
                [pl.lit(None, dtype=c.polars_dtype).alias(c.name) for c in missing]
            )
        return lf.select(contract.column_names)

    def scan_with_keys(
        self, name: str, keys: Mapping[str, Collection[Any]], version: int | None = None
    ) -> pl.LazyFrame:
        """The table at ``version`` (default: the pinned one), but only its files whose bounds
        of a ``keys`` column hold one of that column's values: a run's lookups of the rows it
        touches open the few files of their key range instead of every file of years of
        history. Filter the rows yourself: a file holds other keys too."""
        contract = BY_NAME[name]
        if version is None:
            version = self._pinned(name, self.latest_ledger())
        files = self.files_with_keys(name, keys, version) if version is not None else []
        return scan_files(files, contract.polars_schema, self.storage_options)

    def files_with_keys(
        self, name: str, keys: Mapping[str, Collection[Any]], version: int
    ) -> list[DataFile]:
        """The files of the table at ``version`` whose bounds of a ``keys`` column hold one of
        that column's values (see ``delta_files.files_with_keys``)."""
        contract = BY_NAME[name]
        dt = self._read_now(name, version)
        files: dict[str, DataFile] = {}
        for column, values in keys.items():
            if values:
                wanted = pl.Series(list(values), dtype=contract.polars_schema[column])
                for f in files_with_keys(dt, self._files_base(name), column, wanted):
                    files[f.path] = f
        return list(files.values())

    def content_hash(self, name: str, version: int | None = None) -> str:
        """sha256 over the table's rows (volatile columns left out), independent of row order."""
        contract = BY_NAME[name]
        df = self.scan(name, version).select(contract.content_columns).collect()
        row_hashes = df.hash_rows(seed=0).sort()
        digest = hashlib.sha256(row_hashes.to_numpy().tobytes())
        digest.update(str(df.height).encode())
        return digest.hexdigest()

    def _read_now(self, name: str, version: int) -> DeltaTable:
        """The table at ``version`` for a read done at once: the newest snapshot when it is
        that version (a run's publish leaves it there), saving a log replay per table."""
        latest = self._tables.get((name, False))
        if latest is not None and latest.version() == version:
            return latest
        return self._delta(name, version)

    def table_columns(self, name: str, version: int) -> set[str]:
        schema = self._read_now(name, version).schema()
        return {f.name for f in schema.fields}

    def file_uris(self, name: str, version: int) -> list[str]:
        return [self.engine_uri(u) for u in self._read_now(name, version).file_uris()]

    def _arrow(self, contract: TableContract, df: pl.DataFrame) -> pa.Table:
        return contract.conform(df).to_arrow().cast(contract.arrow_schema)

    def committed_by(
        self, name: str, run_id: str, operation: str, part: str = "", look_back: int = 50
    ) -> bool:
        """Did ``run_id`` already make an ``operation`` commit (of key class ``part``) here? (A
        retried task must not append twice.) Runs are serialized by the lock, so its commits
        are the newest ones."""
        if not self._is_delta(name):
            return False
        return any(
            h.get("paperdigest.run_id") == run_id
            and h.get("operation") == operation
            and h.get("paperdigest.part", "") == part
            for h in self._delta(name).history(limit=look_back)
        )

    def append(self, name: str, df: pl.DataFrame, run_id: str) -> int | None:
        """Append rows in one Delta commit; returns the new version (None if nothing written).

        Idempotent per run: a second append by the same run (a retried task) is skipped.
        """
        contract = BY_NAME[name]
        for part, rows in _key_classes(contract, df):
            if self.committed_by(name, run_id, "WRITE", part):
                continue
            sorted_rows = contract.conform(rows).sort(list(contract.key))
            if contract.write_mode == "merge":
                # our own files of a bounded row count, each a narrow key range (``write_files``)
                if not self._is_delta(name):
                    self._create(name)
                self._append_files(name, sorted_rows, run_id, part)
                continue
            metadata = {"paperdigest.run_id": run_id}
            if part:
                metadata["paperdigest.part"] = part
            exists = self._is_delta(name)
            if exists:
                self._checkpoint_often(name)
            self._snapshots.wrote(name)
            write_deltalake(
                # the snapshot this lake keeps (a URI would make delta-rs replay the log again)
                self._delta(name) if exists else self.table_uri(name),
                self._arrow(contract, sorted_rows),
                mode="append",
                schema_mode="merge",  # contracts may add columns; old files read them as null
                partition_by=list(contract.partition_by) or None,
                configuration=None if exists else _CHECKPOINTS,
                commit_properties=CommitProperties(custom_metadata=metadata),
                storage_options=self.storage_options,
            )
        return self.current_version(name)

    def _create(self, name: str) -> None:
        """An empty merged table, with the settings its files are written under."""
        contract = BY_NAME[name]
        self._snapshots.wrote(name)
        write_deltalake(
            self.table_uri(name),
            self._arrow(contract, contract.empty_frame()),
            mode="append",
            configuration={**_FILE_SIZE, **_CHECKPOINTS},
            description=_NARROW,
            storage_options=self.storage_options,
        )

    def upsert(
        self,
        name: str,
        df: pl.DataFrame,
        run_id: str,
        delete_keys: pl.DataFrame | None = None,
    ) -> int | None:
        """Upsert ``df`` on the contract key and delete ``delete_keys``.

        Rows of existing keys that changed, and deletes, rewrite just the files holding those
        keys (``_rewrite``), not years of history; then rows whose key is not in the table yet
        are appended (new files in key order, folding in the small files of their key range:
        ``_append_files``). One rewrite and one append per key class at most; the run ledger
        pins the last commit, and ``recover`` rolls back all of them when a run dies between
        them.
        """
        contract = BY_NAME[name]
        deletes = delete_keys if delete_keys is not None else pl.DataFrame()
        if df.height == 0 and deletes.height == 0:
            return self.current_version(name)
        if not self._is_delta(name):
            return self.append(name, df, run_id)
        key, lead = list(contract.key), contract.key[0]
        rows = contract.conform(df)
        self._checkpoint_often(name)
        dt = self._delta(name)
        if _add_missing_columns(dt, contract):
            self._snapshots.wrote(name)
            dt = self._delta(name)
        if _narrow_files(self, name, dt, run_id):
            self._snapshots.wrote(name)
            dt = self._delta(name)
        # the rows already present for these keys, at the current version (a retried publish
        # sees what its first attempt committed), read from the files whose key bounds hold them
        wanted = pl.concat([rows[lead], deletes[lead]]) if deletes.height else rows[lead]
        candidates = files_with_keys(dt, self._files_base(name), lead, wanted)
        present = read_files(
            candidates,
            contract.polars_schema,
            self.storage_options,
            pl.col(lead).is_in(wanted.unique().implode()),
        )
        fresh = rows.join(present, on=key, how="anti")
        changed = _changed(contract, rows.join(present, on=key, how="semi"), present)
        replaced = changed.select(key)
        if deletes.height:
            replaced = pl.concat([replaced, deletes.select(key)])
        hit = present.join(replaced, on=key, how="semi")
        if hit.height:
            holding = set(hit[PATH_COLUMN])
            touched = [f for f in candidates if f.uri in holding]
            new_rows = changed.join(hit.select(*key, PATH_COLUMN), on=key, how="inner")
            self._rewrite(name, touched, replaced, new_rows, run_id)
        # after the rewrite: the append may fold in small files, which must be the rewritten ones
        if fresh.height:
            self.append(name, fresh, run_id)
        return self.current_version(name)

    def _append_files(self, name: str, rows: pl.DataFrame, run_id: str, part: str) -> None:
        """Append ``rows`` (new keys, in key order) as files of their own, folding in the small
        files already in their key range (``small_files_in_range``), in one commit."""
        contract = BY_NAME[name]
        key, lead = list(contract.key), contract.key[0]
        small = small_files_in_range(
            self._delta(name),
            self._files_base(name),
            lead,
            rows[lead].min(),
            rows[lead].max(),
            rows_per_file(rows) // 2,
        )
        removes: list[AddAction | RemoveAction] = []
        if small:
            old = read_files(small, contract.polars_schema, self.storage_options)
            rows = pl.concat([contract.conform(old.drop(PATH_COLUMN)), rows]).sort(key)
            stamp = self._stamp_ms()
            removes = [remove_action(f, stamp) for f in small]
        actions = write_files(self.store, f"tables/{name}", rows, self._stamp_ms())
        self._commit_files(name, [*removes, *actions], run_id, part)

    def _rewrite(
        self,
        name: str,
        files: list[DataFile],
        replaced: pl.DataFrame,
        new_rows: pl.DataFrame,
        run_id: str,
    ) -> None:
        """Rewrite ``files`` one to one without the ``replaced`` keys and with ``new_rows``
        (each naming its file in ``PATH_COLUMN``), in key order, in one commit."""
        contract = BY_NAME[name]
        key = list(contract.key)

        def write(rows: pl.DataFrame) -> list[AddAction]:
            sorted_rows = contract.conform(rows).sort(key)
            return write_files(self.store, f"tables/{name}", sorted_rows, stamp)

        stamp = self._stamp_ms()
        actions: list[AddAction | RemoveAction] = [remove_action(f, stamp) for f in files]
        # the per-file work (sort, encode, write) runs mostly outside the GIL: two threads
        # keep both cores busy while a run rewrites a few hundred small files
        with ThreadPoolExecutor(max_workers=2) as pool:
            for at in range(0, len(files), _REWRITE_FILES):
                group = files[at : at + _REWRITE_FILES]
                old = read_files(group, contract.polars_schema, self.storage_options)
                kept = old.join(replaced, on=key, how="anti")
                merged = pl.concat(
                    [kept, new_rows.filter(pl.col(PATH_COLUMN).is_in([f.uri for f in group]))]
                )
                by_file = merged.partition_by(PATH_COLUMN, as_dict=True, include_key=False)
                for added in pool.map(write, [df for df in by_file.values() if df.height]):
                    actions += added
        self._commit_files(name, actions, run_id, "rewrite")

    def _commit_files(
        self, name: str, actions: Sequence[AddAction | RemoveAction], run_id: str, part: str
    ) -> None:
        metadata = {"paperdigest.run_id": run_id}
        if part:
            metadata["paperdigest.part"] = part
        dt = self._delta(name)
        self._snapshots.wrote(name)
        dt.create_write_transaction(
            list(actions),
            mode="append",
            schema=dt.schema(),
            commit_properties=CommitProperties(custom_metadata=metadata),
        )

    def repoint(self, name: str, column: str, mapping: dict[str, str], run_id: str) -> int | None:
        """Rewrite ``column`` values old -> new in one commit (alias merges re-point history)."""
        if not mapping or not self._is_delta(name):
            return self.current_version(name)

        def q(s: str) -> str:
            return "'" + s.replace("'", "''") + "'"

        case = (
            "CASE "
            + " ".join(f"WHEN {column} = {q(k)} THEN {q(v)}" for k, v in mapping.items())
            + f" ELSE {column} END"
        )
        dt = self._delta(name)
        self._snapshots.wrote(name)
        dt.update(
            updates={column: case},
            predicate=f"{column} IN ({', '.join(q(k) for k in mapping)})",
            commit_properties=CommitProperties(custom_metadata={"paperdigest.run_id": run_id}),
        )
        return self.current_version(name)

    def _checkpoint_often(self, name: str) -> None:
        """A table made before ``_CHECKPOINTS`` gets the setting when a run first writes to it
        (a metadata commit, data unchanged; the run's ledger then pins the version after it)."""
        dt = self._delta(name)
        settings = dt.metadata().configuration
        if any(settings.get(k) != v for k, v in _CHECKPOINTS.items()):
            self._snapshots.wrote(name)
            dt.alter.set_table_properties(_CHECKPOINTS)

    def recover(self) -> list[str]:
        """Roll back tables committed after the newest ledger (a run that crashed mid-publish),
        having first set aside what such a run left unreadable (``health``)."""
        repaired = self.repair_pointer()
        repaired += repair_torn_commits(self, self.pinned_versions())
        return repaired + self._roll_back()

    def _roll_back(self) -> list[str]:
        pinned = self.pinned_versions()
        restored: list[str] = []
        for name, contract in BY_NAME.items():
            if not contract.ledgered:
                continue
            current = self.current_version(name)
            want = pinned.get(name)
            if current is None or (want is not None and current <= want):
                continue
            dt = self._delta(name)
            self._snapshots.wrote(name)
            if want is None:
                if not dt.file_uris():
                    continue
                dt.delete()
            elif _table_content_differs(dt, want, self.storage_options):
                dt.restore(want)
            else:
                continue
            restored.append(f"{name}: v{current} -> content of v{want}")
        return restored


# Merged tables keep files that each hold a narrow key range (rows written sorted by key), so a
# run rewrites only the few files holding keys it touches; their size is bounded by
# ``delta_files.rows_per_file``. Tables are created with this setting, and the one-time
# re-layout writes under it, so delta-rs' own writes (an ``optimize`` run by hand included) keep
# a bound instead of its 100 MB default: years of papers.
_FILE_SIZE = {"delta.targetFileSize": str(1024 * 1024)}
# A checkpoint every 10 commits (delta-rs writes one after the commit that reaches it), not
# Delta's default 100: opening a table replays the JSON commits since the last checkpoint, and
# a run opens every table: the 12 tables of a 5-year lake opened in 0.44-0.64 s with ~70 JSON
# commits since the last checkpoint, in 0.10 s right after one.
_CHECKPOINTS = {
    "delta.checkpointInterval": "10",
    # and keep every commit: delta-rs otherwise deletes commits older than 30 days (by file
    # time) at a checkpoint, though a ledger, the marts' increments or a reader may still
    # read such a version
    "delta.enableExpiredLogCleanup": "false",
}
# files read at once by a rewrite: bounds its memory to a few MB of Parquet, decoded. With two
# tables published at once, a 5-year batch's publish grew the process by +375-395 MiB at 4,
# +782-847 MiB at 16 (``papers`` files of ~4,400 wide rows), and took 2.99-3.40 s against
# 3.23-3.48 s
_REWRITE_FILES = 4
# The description of merged tables whose files each hold one key class (see ``_key_classes``);
# Delta rejects unknown table properties, so the marker lives in the description.
_NARROW = "paperdigest: each file holds one key class, in key order"


def _narrow_files(lake: Lake, name: str, dt: DeltaTable, run_id: str) -> bool:
    """Rewrite, once, a table written before key classes were kept apart: its rows in key order,
    one key class after the other, in files of the bounded size (files of mixed classes span
    the whole key space and defeat merge pruning). True if it did."""
    if dt.metadata().description == _NARROW:
        return False
    contract = BY_NAME[name]
    rows = lake.scan(name, dt.version()).collect()
    parts = _key_classes(contract, rows) or [("", rows.clear())]
    for i, (part, df) in enumerate(parts):
        write_deltalake(
            lake.table_uri(name),
            lake._arrow(contract, df.sort(list(contract.key))),
            mode="overwrite" if i == 0 else "append",
            configuration=_FILE_SIZE,
            partition_by=list(contract.partition_by) or None,
            commit_properties=CommitProperties(
                custom_metadata={"paperdigest.run_id": run_id, "paperdigest.part": f"layout:{part}"}
            ),
            storage_options=lake.storage_options,
        )
    DeltaTable(
        lake.table_uri(name), storage_options=lake.storage_options
    ).alter.set_table_description(_NARROW)
    return True


def _key_classes(contract: TableContract, df: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
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


def _changed(contract: TableContract, rows: pl.DataFrame, present: pl.DataFrame) -> pl.DataFrame:
    """The ``rows`` whose content differs from the published row of their key: a run revisiting
    a paper mostly recomputes what is there already, and merging it would rewrite files for
    nothing (``updated_run_id`` and the like then keep naming the run that last changed them)."""
    if rows.height == 0:
        return rows
    key, content = list(contract.key), contract.content_columns

    def hashed(df: pl.DataFrame) -> pl.DataFrame:
        return df.select(key).with_columns(
            contract.conform(df).select(content).hash_rows(seed=0).alias("_content")
        )

    changed = hashed(rows).join(hashed(present), on=[*key, "_content"], how="anti")
    return rows.join(changed.select(key), on=key, how="semi")


def _add_missing_columns(dt: DeltaTable, contract: TableContract) -> bool:
    """Contracts add columns freely: give an older table the new (nullable) ones before a merge.
    True if it altered the table."""
    have = {f.name for f in dt.schema().fields}
    missing = [c for c in contract.columns if c.name not in have]
    if not missing:
        return False
    schema = DeltaSchema.from_arrow(
        pa.schema([pa.field(c.name, c.arrow_type, nullable=True) for c in missing])
    )
    dt.alter.add_columns(list(schema.fields))
    return True


def _table_content_differs(
    dt: DeltaTable, version: int, storage_options: dict[str, str] | None
) -> bool:
    # A restore itself makes a new version with the old content; don't restore it again.
    current = set(dt.file_uris())
    probe = DeltaTable(dt.table_uri, storage_options=storage_options)
    probe.load_as_version(version)
    old = set(probe.file_uris())
    return current != old
