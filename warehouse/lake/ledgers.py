"""Run ledgers: ``runs/<run_id>.json`` and the ``runs/LATEST`` pointer, the commit point of a run."""

from __future__ import annotations

import json
from typing import Any

from warehouse.contracts import BY_NAME
from warehouse.lake.damage import read_ledger
from warehouse.lake.handles import DeltaHandles


class Ledgers(DeltaHandles):
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
