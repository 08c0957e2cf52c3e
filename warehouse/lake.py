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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake import Schema as DeltaSchema

from warehouse.contracts import BY_NAME, TableContract

if TYPE_CHECKING:
    from collections.abc import Iterator


class LakeBusy(RuntimeError):
    """Another run holds the lake."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write beside and rename over, so a crash never leaves a half-written file visible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class Lake:
    root: Path

    @classmethod
    def at(cls, root: str | Path) -> Lake:
        return cls(Path(root).expanduser().resolve())

    # -- paths -------------------------------------------------------------------------------
    @property
    def views_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    def table_path(self, name: str) -> Path:
        return self.root / "tables" / name

    def quarantine_dir(self, run_id: str) -> Path:
        return self.root / "quarantine" / run_id

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
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # -- ledgers -----------------------------------------------------------------------------
    def ledger_paths(self) -> list[Path]:
        if not self.runs_dir.exists():
            return []
        return sorted(self.runs_dir.glob("*.json"))

    def latest_ledger(self) -> dict[str, Any] | None:
        """The newest run ledger: the one ``runs/LATEST`` names (written after it, atomically)."""
        pointer = self.runs_dir / "LATEST"
        if pointer.exists():
            return json.loads((self.runs_dir / f"{pointer.read_text().strip()}.json").read_text())
        # no pointer (an older lake, or a crash before the first pointer): highest sequence wins
        ledgers = [json.loads(p.read_text()) for p in self.ledger_paths()]
        return max(ledgers, key=lambda d: d.get("seq", 0)) if ledgers else None

    def pinned_versions(self) -> dict[str, int | None]:
        ledger = self.latest_ledger()
        return {name: self._pinned(name, ledger) for name in BY_NAME}

    def _pinned(self, name: str, ledger: dict[str, Any] | None) -> int | None:
        # logs written outside runs (fetches) are read at their newest version
        if not BY_NAME[name].ledgered:
            return self.current_version(name)
        return ledger.get("table_versions", {}).get(name) if ledger else None

    def write_ledger(self, ledger: dict[str, Any]) -> Path:
        """Write the ledger, then point LATEST at it: the commit point of a whole run."""
        previous = self.latest_ledger()
        ledger = {**ledger, "seq": (previous.get("seq", 0) if previous else 0) + 1}
        path = self.runs_dir / f"{ledger['run_id']}.json"
        atomic_write_bytes(path, json.dumps(ledger, indent=2, default=str).encode())
        atomic_write_bytes(self.runs_dir / "LATEST", ledger["run_id"].encode())
        return path

    # -- tables ------------------------------------------------------------------------------
    def current_version(self, name: str) -> int | None:
        path = self.table_path(name)
        if not DeltaTable.is_deltatable(str(path)):
            return None
        return DeltaTable(str(path)).version()

    def scan(self, name: str, version: int | None = None) -> pl.LazyFrame:
        """The table at ``version`` (default: the pinned one); an empty frame before first write."""
        contract = BY_NAME[name]
        if version is None:
            version = self._pinned(name, self.latest_ledger())
        if version is None:
            return contract.empty_frame().lazy()
        lf = pl.scan_delta(str(self.table_path(name)), version=version)
        # a column added to the contract after the table was written reads as null
        have = set(lf.collect_schema().names())
        missing = [c for c in contract.columns if c.name not in have]
        if missing:
            lf = lf.with_columns(
                [pl.lit(None, dtype=c.polars_dtype).alias(c.name) for c in missing]
            )
        return lf.select(contract.column_names)

    def content_hash(self, name: str, version: int | None = None) -> str:
        """sha256 over the table's rows (volatile columns left out), independent of row order."""
        contract = BY_NAME[name]
        df = self.scan(name, version).select(contract.content_columns).collect()
        row_hashes = df.hash_rows(seed=0).sort()
        digest = hashlib.sha256(row_hashes.to_numpy().tobytes())
        digest.update(str(df.height).encode())
        return digest.hexdigest()

    def table_columns(self, name: str, version: int) -> set[str]:
        schema = DeltaTable(str(self.table_path(name)), version=version).schema()
        return {f.name for f in schema.fields}

    def file_uris(self, name: str, version: int) -> list[str]:
        return DeltaTable(str(self.table_path(name)), version=version).file_uris()

    def _arrow(self, contract: TableContract, df: pl.DataFrame) -> pa.Table:
        return contract.conform(df).to_arrow().cast(contract.arrow_schema)

    def committed_by(self, name: str, run_id: str, operation: str, look_back: int = 50) -> bool:
        """Did ``run_id`` already make an ``operation`` commit here? (A retried task must not
        append twice.) Runs are serialized by the lock, so its commits are the newest ones."""
        path = str(self.table_path(name))
        if not DeltaTable.is_deltatable(path):
            return False
        return any(
            h.get("paperdigest.run_id") == run_id and h.get("operation") == operation
            for h in DeltaTable(path).history(limit=look_back)
        )

    def append(self, name: str, df: pl.DataFrame, run_id: str) -> int | None:
        """Append rows in one Delta commit; returns the new version (None if nothing written).

        Idempotent per run: a second append by the same run (a retried task) is skipped.
        """
        contract = BY_NAME[name]
        if df.height == 0 or self.committed_by(name, run_id, "WRITE"):
            return self.current_version(name)
        write_deltalake(
            str(self.table_path(name)),
            self._arrow(contract, df),
            mode="append",
            schema_mode="merge",  # contracts may add columns; old files read them as null
            partition_by=list(contract.partition_by) or None,
            commit_properties=CommitProperties(custom_metadata={"paperdigest.run_id": run_id}),
        )
        return self.current_version(name)

    def upsert(
        self,
        name: str,
        df: pl.DataFrame,
        run_id: str,
        delete_keys: pl.DataFrame | None = None,
    ) -> int | None:
        """Upsert ``df`` on the contract key and delete ``delete_keys``, in one Delta commit."""
        contract = BY_NAME[name]
        deletes = delete_keys if delete_keys is not None else pl.DataFrame()
        if df.height == 0 and deletes.height == 0:
            return self.current_version(name)
        path = str(self.table_path(name))
        if not DeltaTable.is_deltatable(path):
            return self.append(name, df, run_id)
        rows = contract.conform(df).with_columns(pl.lit("upsert").alias("_op"))
        if deletes.height:
            dels = (
                deletes.select(contract.key)
                .join(rows.clear(), on=list(contract.key), how="left")
                .select(rows.columns)
                .with_columns(pl.lit("delete").alias("_op"))
            )
            rows = pl.concat([rows, dels])
        _add_missing_columns(DeltaTable(path), contract)
        on = " AND ".join(f"t.{k} = s.{k}" for k in contract.key)
        cols = {c: f"s.{c}" for c in contract.column_names}
        (
            DeltaTable(path)
            .merge(
                rows.to_arrow(),
                predicate=on,
                source_alias="s",
                target_alias="t",
                commit_properties=CommitProperties(custom_metadata={"paperdigest.run_id": run_id}),
            )
            .when_matched_delete(predicate="s._op = 'delete'")
            .when_matched_update(updates=cols, predicate="s._op = 'upsert'")
            .when_not_matched_insert(updates=cols, predicate="s._op = 'upsert'")
            .execute()
        )
        return self.current_version(name)

    def repoint(self, name: str, column: str, mapping: dict[str, str], run_id: str) -> int | None:
        """Rewrite ``column`` values old -> new in one commit (alias merges re-point history)."""
        path = str(self.table_path(name))
        if not mapping or not DeltaTable.is_deltatable(path):
            return self.current_version(name)

        def q(s: str) -> str:
            return "'" + s.replace("'", "''") + "'"

        case = (
            "CASE "
            + " ".join(f"WHEN {column} = {q(k)} THEN {q(v)}" for k, v in mapping.items())
            + f" ELSE {column} END"
        )
        DeltaTable(path).update(
            updates={column: case},
            predicate=f"{column} IN ({', '.join(q(k) for k in mapping)})",
            commit_properties=CommitProperties(custom_metadata={"paperdigest.run_id": run_id}),
        )
        return self.current_version(name)

    def recover(self) -> list[str]:
        """Roll back tables committed after the newest ledger (a run that crashed mid-publish)."""
        pinned = self.pinned_versions()
        restored: list[str] = []
        for name, contract in BY_NAME.items():
            if not contract.ledgered:
                continue
            current = self.current_version(name)
            want = pinned.get(name)
            if current is None or (want is not None and current <= want):
                continue
            dt = DeltaTable(str(self.table_path(name)))
            if want is None:
                if not dt.file_uris():
                    continue
                dt.delete()
            elif _table_content_differs(dt, want):
                dt.restore(want)
            else:
                continue
            restored.append(f"{name}: v{current} -> content of v{want}")
        return restored


def _add_missing_columns(dt: DeltaTable, contract: TableContract) -> None:
    """Contracts add columns freely: give an older table the new (nullable) ones before a merge."""
    have = {f.name for f in dt.schema().fields}
    missing = [c for c in contract.columns if c.name not in have]
    if missing:
        schema = DeltaSchema.from_arrow(
            pa.schema([pa.field(c.name, c.arrow_type, nullable=True) for c in missing])
        )
        dt.alter.add_columns(list(schema.fields))


def _table_content_differs(dt: DeltaTable, version: int) -> bool:
    # A restore itself makes a new version with the old content; don't restore it again.
    current = set(dt.file_uris())
    old = set(DeltaTable(dt.table_uri, version=version).file_uris())
    return current != old
