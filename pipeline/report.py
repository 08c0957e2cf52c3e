"""What a run did: its report, its exit code and its id."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from expectations.check_result import CheckResult
    from warehouse.runlog import QuarantineRecord

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_QUARANTINE = 0, 1, 2, 3
# published, but the views file (and marts) could not be brought to it: readers see the
# previous run until the next run rebuilds them
EXIT_STALE_VIEWS = 4


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"


@dataclass
class RunReport:
    run_id: str
    status: str
    exit_code: int
    lake: Path
    files_seen: int = 0
    files_new: int = 0
    files_already: int = 0
    quarantined: list[QuarantineRecord] = field(default_factory=list)
    digests: int = 0
    entries: int = 0
    new_papers: int = 0
    merged_papers: int = 0
    checks: list[CheckResult] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # wall seconds per stage (land, parse, stage, gate, publish, finish), for tuning and the bench
    stage_seconds: dict[str, float] = field(default_factory=dict)
    message: str | None = None

    @property
    def checks_passed(self) -> int:
        return sum(c.success for c in self.checks)

    @property
    def checks_failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "files_seen": self.files_seen,
            "files_new": self.files_new,
            "files_quarantined": self.files_quarantined,
            "digests": self.digests,
            "entries": self.entries,
            "new_papers": self.new_papers,
        }

    @property
    def files_quarantined(self) -> int:
        return len({q.raw_sha256 for q in self.quarantined if q.locator == "file"})


# -- stages ------------------------------------------------------------------------------------
