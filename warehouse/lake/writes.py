"""Writing tables: appends, merges that rewrite only the files holding the keys they change,
re-pointing merged papers, and the one-time re-layout of older tables."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

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
    small_files_in_range,
    write_files,
)
from warehouse.lake.layout import FILE_SIZE, NARROW, key_classes, narrow_files
from warehouse.lake.reads import TableReads

if TYPE_CHECKING:
    from collections.abc import Sequence

    from deltalake.transaction import AddAction, RemoveAction


class TableWrites(TableReads):
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
        for part, rows in key_classes(contract, df):
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
                contract.to_arrow(sorted_rows),
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
            contract.to_arrow(contract.empty_frame()),
            mode="append",
            configuration={**FILE_SIZE, **_CHECKPOINTS},
            description=NARROW,
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
        if name not in self._laid_out:
            if narrow_files(self, name, dt, run_id):
                self._snapshots.wrote(name)
                dt = self._delta(name)
            self._laid_out.add(name)
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


# A checkpoint every 10 commits (delta-rs writes one after the commit that reaches it), not
# Delta's default 100: opening a table replays the JSON commits since the last checkpoint, and
# a run opens every table.
_CHECKPOINTS = {
    "delta.checkpointInterval": "10",
    # and keep every commit: delta-rs otherwise deletes commits older than 30 days (by file
    # time) at a checkpoint, though a ledger, the marts' increments or a reader may still
    # read such a version
    "delta.enableExpiredLogCleanup": "false",
}


# files read at once by a rewrite: bounds its memory to a few files of Parquet, decoded (more
# at once grew a publish's memory about in proportion and saved no time)
_REWRITE_FILES = 4


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
