"""The lake on disk: raw zone, Delta tables, run ledgers, and the lock that serializes runs.

Delta commits one table at a time, so the run ledger ``runs/<run_id>.json`` is the commit point
of a whole run: it is written last, atomically, with the version of every table. Readers pin
versions from the newest ledger; a crash between table commits is rolled back by ``recover``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from typing import TYPE_CHECKING

from deltalake import DeltaTable

from warehouse.contracts import BY_NAME
from warehouse.lake.damage import repair_torn_commits
from warehouse.lake.errors import LakeBusy, LakeDamaged, LakePathError
from warehouse.lake.writes import TableWrites

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Lake", "LakeBusy", "LakeDamaged", "LakePathError"]


class Lake(TableWrites):
    """A lake: its paths (``paths``), table handles (``handles``), ledgers (``ledgers``), reads
    (``reads``) and writes (``writes``), and here the lock that serializes runs and the recovery
    of a run that died mid-publish."""

    @contextlib.contextmanager
    def locked(self, wait_s: float = 30.0) -> Iterator[None]:
        """Hold the lake's write lock; runs of any process never overlap."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / ".lock"
        with path.open("a+") as fh:
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


def _table_content_differs(
    dt: DeltaTable, version: int, storage_options: dict[str, str] | None
) -> bool:
    # A restore itself makes a new version with the old content; don't restore it again.
    current = set(dt.file_uris())
    probe = DeltaTable(dt.table_uri, storage_options=storage_options)
    probe.load_as_version(version)
    old = set(probe.file_uris())
    return current != old
