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


def land_file(
    path: Path, store: Store, landed_at: datetime, stored: Mapping[str, str] | None = None
) -> LandedFile:
    """Store one file in the raw zone (once per content) and say what it is."""
    landed = land_bytes(path.read_bytes(), path.name, store, landed_at, stored)
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
