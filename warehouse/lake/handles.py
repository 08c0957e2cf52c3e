"""Delta table handles, loaded once per lake object and brought up to date incrementally."""

from __future__ import annotations

from urllib.parse import unquote

from deltalake import DeltaTable

from warehouse.lake.errors import LakeDamaged
from warehouse.lake.paths import LakePaths


class DeltaHandles(LakePaths):
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

    def _is_delta(self, name: str) -> bool:
        return DeltaTable.is_deltatable(self.table_uri(name), storage_options=self.storage_options)

    def current_version(self, name: str) -> int | None:
        if not self._is_delta(name):
            return None
        return self._delta(name).version()

    def data_files(self, name: str, version: int) -> list[tuple[str, int]]:
        """(key relative to the lake, bytes) of every data file of the table at ``version``."""
        dt = self._delta(name, version)
        actions = dt.get_add_actions(flatten=True)
        paths = actions.column("path").to_pylist()
        sizes = actions.column("size_bytes").to_pylist()
        return [(f"tables/{name}/{unquote(p)}", int(n)) for p, n in zip(paths, sizes, strict=True)]

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
