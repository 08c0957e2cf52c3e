"""Where a lake's parts are: its root, its store, and the paths the engines are given."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Self
from urllib.parse import quote, unquote

from warehouse.lake.errors import LakePathError
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
    from deltalake import DeltaTable

    from warehouse.clock import Clock


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
class LakePaths:
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
    # merged tables whose layout this lake object has checked (``layout.narrow_files``)
    _laid_out: set[str] = field(default_factory=set, compare=False, hash=False, repr=False)
    # the clock of the runs that write here (Settings gives it); a lake opened only to read
    # has none
    clock: Clock | None = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def at(
        cls,
        location: str | Path,
        storage_options: dict[str, str] | None = None,
        clock: Clock | None = None,
    ) -> Self:
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

    def quarantine_key(self, run_id: str, file: str) -> str:
        return f"quarantine/{run_id}/{file}"
