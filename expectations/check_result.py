"""What a check reports, whichever engine ran it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CheckResult:
    table: str
    check: str
    success: bool
    severity: str = "critical"
    observed: str = ""
    n_failed: int = 0
    # a few offending rows, for the report
    examples: list[dict[str, Any]] = field(default_factory=list)
    # the contract keys of every offending row, for the quarantine
    failed_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return not self.success and self.severity == "critical"
