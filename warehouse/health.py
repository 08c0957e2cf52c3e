"""The lake's health: what ``paperdigest check`` reports, and the repairs a run makes itself.

Damage names the table and the file. A run repairs only what it can prove safe: a torn or
garbled Delta commit newer than the version the last ledger pinned (a run that died while
committing; recovery rolls such commits back anyway), and a ``runs/LATEST`` that does not name
a readable ledger (recomputed from the ledgers, the highest sequence). Anything else (a
damaged ledger, a damaged commit at or below a pinned version, a missing data file) is
reported, never guessed at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from warehouse.lake import Lake


class LakeDamaged(RuntimeError):
    """Lake metadata that cannot be read; the message names the file and what to do."""


@dataclass(frozen=True)
class Finding:
    what: str  # the table, ledger or mart concerned
    problem: str  # empty when healthy
    repair: str = ""  # what the next run does about it, if anything

    @property
    def ok(self) -> bool:
        return not self.problem


def _log_prefix(name: str) -> str:
    return f"tables/{name}/_delta_log"


def _commit_versions(lake: Lake, name: str) -> list[tuple[int, str]]:
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


def torn_commits(lake: Lake, pinned: dict[str, int | None]) -> list[tuple[str, int, str, str]]:
    """(table, version, key, problem) of the unreadable commits newer than each table's pinned
    version (and every commit after one: a log has no gaps)."""
    found = []
    for name, contract in BY_NAME.items():
        if not contract.ledgered:
            continue
        want = pinned.get(name)
        bad_from = None
        for version, key in _commit_versions(lake, name):
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


def repair_torn_commits(lake: Lake, pinned: dict[str, int | None]) -> list[str]:
    """Move the damaged unpublished commits aside (``<key>.damaged``); what was done."""
    done = []
    for name, version, key, problem in torn_commits(lake, pinned):
        lake.store.write(f"{key}.damaged", lake.store.read(key))
        lake.store.delete(key)
        done.append(f"{name}: unpublished commit v{version} ({problem}) moved to {key}.damaged")
        lake.forget(name)
    return done


def read_ledger(lake: Lake, key: str) -> dict[str, Any]:
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


def check_lake(lake: Lake) -> list[Finding]:
    """Everything ``paperdigest check`` looks at; changes nothing."""
    from warehouse.marts import damaged_files, read_state, stale_marts
    from warehouse.views import data_versions

    findings: list[Finding] = []
    named = lake.latest_pointer()
    keys = lake.ledger_keys()
    ledgers = []
    for key in keys:
        try:
            ledgers.append(read_ledger(lake, key))
        except LakeDamaged as e:
            findings.append(Finding(key, str(e)))
    if lake.store.exists("runs/LATEST") and named not in keys:
        findings.append(Finding("runs/LATEST", "names no ledger", "recomputed from ledgers"))
    else:
        findings.append(Finding("runs/LATEST", ""))
    if not ledgers:
        return [*findings, Finding("lake", "no published run yet")]
    try:
        pinned = lake.pinned_versions()
    except LakeDamaged as e:
        return [*findings, Finding("runs", str(e))]
    for name, torn, key, problem in torn_commits(lake, pinned):
        findings.append(
            Finding(f"{name} v{torn}", f"{key}: {problem}", "moved aside (an unpublished commit)")
        )
    for name, contract in BY_NAME.items():
        version = pinned.get(name)
        if not contract.ledgered or version is None:
            continue
        try:
            files = lake.data_files(name, version)
        except Exception as e:  # delta-rs reports damage in its own words
            findings.append(Finding(f"{name} v{version}", f"cannot be read: {e}"))
            continue
        missing = [key for key, size in files if lake.store.size(key) != size]
        findings.append(
            Finding(
                f"{name} v{version}",
                f"{len(missing)} of {len(files)} data files missing or cut: {', '.join(missing[:3])}"
                if missing
                else "",
            )
        )
    state_bad = damaged_files(lake, read_state(lake))
    versions = data_versions(pinned)
    if state_bad:
        findings.append(
            Finding("marts", f"files missing or changed: {', '.join(state_bad[:3])}", "recomputed")
        )
    elif stale_marts(lake, versions):
        findings.append(Finding("marts", "not built from the pinned versions", "recomputed"))
    else:
        findings.append(Finding("marts", ""))
    return findings
