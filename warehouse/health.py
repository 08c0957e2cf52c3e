"""The lake's health: what ``paperdigest check`` reports, and the repairs a run makes itself.

Damage names the table and the file. A run repairs only what it can prove safe: a torn or
garbled Delta commit newer than the version the last ledger pinned (a run that died while
committing; recovery rolls such commits back anyway), and a ``runs/LATEST`` that does not name
a readable ledger (recomputed from the ledgers, the highest sequence). Anything else (a
damaged ledger, a damaged commit at or below a pinned version, a missing data file) is
reported, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from warehouse.contracts import BY_NAME
from warehouse.lake.damage import read_ledger, torn_commits
from warehouse.lake.errors import LakeDamaged

if TYPE_CHECKING:
    from warehouse.lake import Lake


@dataclass(frozen=True)
class Finding:
    what: str  # the table, ledger or mart concerned
    problem: str  # empty when healthy
    repair: str = ""  # what the next run does about it, if anything

    @property
    def ok(self) -> bool:
        return not self.problem


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
