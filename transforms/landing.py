"""Landing: find input files, store each byte for byte under its sha256, know what is new."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from transforms.sniff import sniff
from transforms.text import to_utf8

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from warehouse.storage import Store

_EXT = {
    "hf_daily_json": "json",
    "hf_page_text": "txt",
    "hf_page_html": "html",
    "arxiv_atom": "xml",
    "arxiv_rss": "xml",
    "email": "eml",
    "unknown": "bin",
}


@dataclass(frozen=True)
class LandedFile:
    sha256: str
    format: str
    original_name: str
    source_path: str
    raw_path: str  # relative to the lake root
    n_bytes: int
    landed_at: datetime

    def read(self, store: Store) -> bytes:
        return store.read(self.raw_path)


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and files under folders named (recursively), skipping hidden ones."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
        elif p.is_file():
            found.append(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return found


def raw_relpath(fmt: str, landed_at: datetime, sha256: str) -> str:
    return f"raw/{fmt}/{landed_at:%Y}/{landed_at:%m}/{sha256}.{_EXT.get(fmt, 'bin')}"


class TooLarge(ValueError):
    """A file over the input cap: refused before it is read whole, never landed."""

    def __init__(self, path: Path, size: int, cap: int) -> None:
        super().__init__(f"file of {size} bytes is over the {cap}-byte input cap; not landed")
        self.path, self.size, self.cap = path, size, cap


def read_capped(path: Path, cap: int | None) -> bytes:
    """The file's bytes, read no further than ``cap`` + 1 bytes (raises ``TooLarge``): the cap
    is on the bytes as stored, before any transcoding."""
    if cap is None:
        return path.read_bytes()
    with path.open("rb") as f:
        data = f.read(cap + 1)
        if len(data) > cap:
            f.seek(0, os.SEEK_END)
            raise TooLarge(path, f.tell(), cap)
    return data


def file_sha256(path: Path) -> str:
    """sha256 of a file read in chunks (for a file too large to hold)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def land_file(
    path: Path,
    store: Store,
    landed_at: datetime,
    stored: Mapping[str, str] | None = None,
    cap: int | None = None,
) -> LandedFile:
    """Store one file in the raw zone (once per content) and say what it is; a file over
    ``cap`` bytes raises ``TooLarge`` and lands nothing."""
    landed = land_bytes(read_capped(path, cap), path.name, store, landed_at, stored)
    return replace(landed, source_path=str(path))


def identify(data: bytes) -> tuple[str, str]:
    """(sha256, format) of a file's bytes: its identity in the raw zone and its parser."""
    return hashlib.sha256(data).hexdigest(), sniff(to_utf8(data))


def land_bytes(
    data: bytes,
    name: str,
    store: Store,
    landed_at: datetime,
    stored: Mapping[str, str] | None = None,
) -> LandedFile:
    """Store bytes in the raw zone under their sha256 (a no-op when already there).

    ``stored``: raw paths of contents landed before, by sha256 (``raw_files``); such a content
    keeps its copy, in the month it was first landed."""
    sha, fmt = identify(data)
    rel = (stored or {}).get(sha) or raw_relpath(fmt, landed_at, sha)
    if not store.exists(rel):
        store.write(rel, data)
    return LandedFile(
        sha256=sha,
        format=fmt,
        original_name=name,
        source_path="",
        raw_path=rel,
        n_bytes=len(data),
        landed_at=landed_at,
    )
