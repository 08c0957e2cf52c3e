"""Temporary files of writers that died: found and removed by a run holding the lake's lock.

Every file written beside its target is named ``.<name>.<pid>.tmp`` (DuckDB adds ``.wal``);
the marts are computed in ``.marts-*`` folders. While a run holds the lock no other writer
is at work, so such a folder is a dead build's, and such a file is a dead writer's when its
process is gone (a reader building the search index beside the lock is alive and kept).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_TMP = re.compile(r"^\..+\.(\d+)\.tmp(\.wal)?$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep(root: Path) -> list[str]:
    """Remove the leftovers under ``root`` (call it holding the lake's lock); the paths
    removed, relative to ``root``."""
    removed: list[str] = []
    if not root.is_dir():
        return removed
    for top, dirs, files in os.walk(root):
        folder = Path(top)
        for d in [d for d in dirs if d.startswith(".marts-")]:
            shutil.rmtree(folder / d, ignore_errors=True)
            removed.append(str((folder / d).relative_to(root)))
            dirs.remove(d)
        for name in files:
            m = _TMP.match(name)
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
                path = folder / name
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue
                removed.append(str(path.relative_to(root)))
    return sorted(removed)
