"""Where the lake's objects live: a local folder or an S3 prefix, behind one small interface.

Delta tables go through delta-rs (which takes the same ``storage_options``); everything else
(raw files, run ledgers, quarantine records, marts) goes through a ``Store``. On a local disk a
write is write-beside-and-rename; on S3 a PUT is atomic by itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write beside and rename over, so a crash never leaves a half-written file visible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def s3_options_from_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """delta-rs / object_store options from the standard AWS variables (endpoint included)."""
    env = dict(os.environ if env is None else env)
    opts = {
        key: env[key]
        for key in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
        )
        if env.get(key)
    }
    opts["AWS_REGION"] = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    if opts.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        opts["AWS_ALLOW_HTTP"] = "true"
    # runs are serialized by the lake lock, so delta-rs needs no locking provider of its own
    opts["AWS_S3_ALLOW_UNSAFE_RENAME"] = "true"
    return opts


# characters DuckDB and Polars read as patterns or separators in a file path (their globs,
# DuckDB's comma-separated search path); delta-rs resolves symlinks, so it gets the real path
_ENGINE_UNSAFE = re.compile(r"[*?{},\\]")
# delta-rs panics on these ("Invalid object store url: InvalidDomainCharacter"), symlinked or not
UNOPENABLE = re.compile(r"[\[\]]")


def engine_root_for(root: Path) -> Path:
    """``root`` as Polars and DuckDB are given it: itself, or when it holds a character they
    misread, a symlink to it under the temporary folder, named by its hash."""
    if not _ENGINE_UNSAFE.search(str(root)):
        return root
    base = Path(tempfile.gettempdir()) / f"paperdigest-{os.getuid()}" / "lakes"
    alias = base / hashlib.sha256(str(root).encode()).hexdigest()[:16]
    try:
        if alias.is_symlink() and alias.readlink() == root:
            return alias
    except OSError:
        pass
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / f".{alias.name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(root, target_is_directory=True)
    tmp.replace(alias)
    return alias


@dataclass(frozen=True)
class LocalStore:
    root: Path
    remote: bool = False

    @property
    def uri(self) -> str:
        return str(self.root)

    @property
    def storage_options(self) -> dict[str, str] | None:
        return None

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def write(self, key: str, data: bytes) -> None:
        atomic_write_bytes(self.root / key, data)

    def exists(self, key: str) -> bool:
        return (self.root / key).exists()

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def size(self, key: str) -> int | None:
        """The object's size in bytes, None when it is missing."""
        try:
            return (self.root / key).stat().st_size
        except FileNotFoundError:
            return None

    def same(self, key: str, other: str) -> bool:
        """Are both keys the one file (a hard link of it)?"""
        try:
            return (self.root / key).samefile(self.root / other)
        except FileNotFoundError:
            return False

    def copy(self, src: str, dst: str) -> None:
        """``dst`` replaced at once by ``src``'s bytes: a hard link where the disk allows."""
        target = self.root / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(self.root / src, tmp)
        except OSError:
            shutil.copyfile(self.root / src, tmp)
        tmp.replace(target)

    def list(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(
            str(p.relative_to(self.root))
            for p in base.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )


@dataclass(frozen=True)
class ObjectStore:
    """An ``s3://bucket/prefix`` lake through obstore (Rust object_store, as delta-rs uses)."""

    url: str
    options: dict[str, str] = field(default_factory=dict)
    remote: bool = True

    @property
    def uri(self) -> str:
        return self.url.rstrip("/")

    @property
    def storage_options(self) -> dict[str, str]:
        return self.options

    @cached_property
    def _client(self) -> Any:
        # one client per lake (its connection pool), not one per object
        from obstore.store import S3Store

        bucket, _, prefix = self.url.removeprefix("s3://").partition("/")
        config = {
            k.lower().replace("aws_endpoint_url", "aws_endpoint"): v
            for k, v in self.options.items()
            if k != "AWS_S3_ALLOW_UNSAFE_RENAME" and k != "AWS_ALLOW_HTTP"
        }
        return S3Store(
            bucket,
            prefix=prefix.strip("/") or None,
            config=config,  # type: ignore[arg-type]
            client_options={"allow_http": self.options.get("AWS_ALLOW_HTTP") == "true"},
        )

    def read(self, key: str) -> bytes:
        import obstore

        try:
            return bytes(obstore.get(self._client, key).bytes())
        except FileNotFoundError:
            raise FileNotFoundError(f"{self.uri}/{key}") from None

    def write(self, key: str, data: bytes) -> None:
        import obstore

        obstore.put(self._client, key, data)

    def exists(self, key: str) -> bool:
        import obstore

        try:
            obstore.head(self._client, key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        import obstore

        obstore.delete(self._client, key)

    def size(self, key: str) -> int | None:
        import obstore

        try:
            return int(obstore.head(self._client, key)["size"])
        except FileNotFoundError:
            return None

    def same(self, key: str, other: str) -> bool:
        return False  # an object store has no links: a copy is made each time

    def copy(self, src: str, dst: str) -> None:
        import obstore

        obstore.copy(self._client, src, dst)

    def list(self, prefix: str) -> list[str]:
        import obstore

        found: list[str] = []
        for chunk in obstore.list(self._client, prefix=prefix.rstrip("/") + "/"):
            found.extend(str(meta["path"]) for meta in chunk)
        return sorted(found)


Store = LocalStore | ObjectStore


def is_remote(location: str | Path) -> bool:
    return str(location).startswith("s3://")


def local_workdir(url: str) -> Path:
    """A remote lake's local side (its lock, the DuckDB views file, the search index)."""
    base = os.environ.get("PAPERDIGEST_WORKDIR") or Path.home() / ".cache" / "paperdigest"
    return Path(base) / url.removeprefix("s3://").strip("/").replace("/", "__")
