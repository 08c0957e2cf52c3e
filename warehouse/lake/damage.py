"""Damage to a lake's own files: unreadable ledgers and Delta commits, and the one repair a
run makes itself (a torn commit newer than the pinned version is moved aside)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from warehouse.contracts import BY_NAME
from warehouse.lake.errors import LakeDamaged

if TYPE_CHECKING:
    from warehouse.lake.handles import DeltaHandles
    from warehouse.lake.paths import LakePaths


def _log_prefix(name: str) -> str:
    return f"tables/{name}/_delta_log"


def commit_versions(lake: LakePaths, name: str) -> list[tuple[int, str]]:
    """(version, key) of the table's JSON commits, in version order."""
    out = []
    for key in lake.store.list(_log_prefix(name)):
        stem = key.rsplit("/", 1)[-1]
        if stem.endswith(".json") and stem[:-5].isdigit():
            out.append((int(stem[:-5]), key))
    return sorted(out)


def commit_problem(data: bytes) -> str | None:
    """Why a Delta commit file cannot be read (None when every line is a JSON action)."""
    try:
        lines = [line for line in data.decode().splitlines() if line.strip()]
        if not lines:
            return "empty"
        for line in lines:
            action = json.loads(line)
            if not isinstance(action, dict):
                return "a line is not a Delta action"
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except json.JSONDecodeError as e:
        return f"not JSON ({e.msg} at line {e.lineno})"
    return None


def torn_commits(lake: LakePaths, pinned: dict[str, int | None]) -> list[tuple[str, int, str, str]]:
    """(table, version, key, problem) of the unreadable commits newer than each table's pinned
    version (and every commit after one: a log has no gaps)."""
    found = []
    for name, contract in BY_NAME.items():
        if not contract.ledgered:
            continue
        want = pinned.get(name)
        bad_from = None
        for version, key in commit_versions(lake, name):
            if want is not None and version <= want:
                continue
            problem = "follows a damaged commit" if bad_from is not None else None
            if problem is None:
                problem = commit_problem(lake.store.read(key))
                if problem is not None:
                    bad_from = version
            if problem is not None:
                found.append((name, version, key, problem))
    return found


def repair_torn_commits(lake: DeltaHandles, pinned: dict[str, int | None]) -> list[str]:
    """Move the damaged unpublished commits aside (``<key>.damaged``); what was done."""
    done = []
    for name, version, key, problem in torn_commits(lake, pinned):
        lake.store.write(f"{key}.damaged", lake.store.read(key))
        lake.store.delete(key)
        done.append(f"{name}: unpublished commit v{version} ({problem}) moved to {key}.damaged")
        lake.forget(name)
    return done


def read_ledger(lake: LakePaths, key: str) -> dict[str, Any]:
    try:
        ledger = json.loads(lake.store.read(key))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise LakeDamaged(
            f"{lake.location}/{key}: the run ledger is damaged ({e}); restore it from a backup "
            "(paperdigest check lists what else is affected)"
        ) from None
    if not isinstance(ledger, dict) or "run_id" not in ledger:
        raise LakeDamaged(f"{lake.location}/{key}: the run ledger is not a ledger")
    return ledger
