"""A run's settings, built once at start from arguments and the environment (never read at
import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.clock import Clock
from warehouse.lake import Lake

if TYPE_CHECKING:
    from datetime import date, datetime


def code_version() -> str:
    try:
        return metadata.version("paperdigest")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class Settings:
    lake: Lake
    inbox: Path
    explicit_date: date | None
    # the run's one clock: every moment the run stamps is read from it
    clock: Clock
    code_version: str
    lock_wait_s: float = 30.0
    # a digest is kilobytes to a few megabytes; past this a file is damage or an attack
    max_input_bytes: int = 100_000_000
    # fault injection for the crash tests (PAPERDIGEST_CRASH_AT): SIGKILL at that point
    crash_at: str | None = None
    # and PAPERDIGEST_STALL_AT=point:seconds: sleep there
    stall_at: tuple[str, float] | None = None
    # seconds a mart file no views file names any more is kept for readers holding an older one
    mart_grace_s: float = 3600.0

    @classmethod
    def build(
        cls,
        lake: str | Path | None = None,
        inbox: str | Path | None = None,
        explicit_date: date | None = None,
        now: datetime | None = None,
    ) -> Settings:
        """``now``: the run's start (default ``$PAPERDIGEST_NOW``, else the wall clock)."""
        root = lake or os.environ.get("PAPERDIGEST_LAKE") or "./lake"
        box = inbox or os.environ.get("PAPERDIGEST_INBOX") or "./inbox"
        clock = Clock.at(now) if now is not None else Clock.from_env()
        return cls(
            lake=Lake.at(root, clock=clock),
            inbox=Path(box),
            explicit_date=explicit_date,
            clock=clock,
            code_version=code_version(),
            lock_wait_s=float(os.environ.get("PAPERDIGEST_LOCK_WAIT_S", "30")),
            max_input_bytes=int(os.environ.get("PAPERDIGEST_MAX_INPUT_BYTES", "100000000")),
            crash_at=os.environ.get("PAPERDIGEST_CRASH_AT") or None,
            stall_at=_stall(os.environ.get("PAPERDIGEST_STALL_AT")),
            mart_grace_s=float(os.environ.get("PAPERDIGEST_MART_GRACE_S", "3600")),
        )

    @property
    def now(self) -> datetime:
        """The run's start: its landing time, run id and the raw zone's month."""
        return self.clock.start


def _stall(value: str | None) -> tuple[str, float] | None:
    if not value:
        return None
    point, _, seconds = value.rpartition(":")
    return (point, float(seconds))


def later(settings: Settings) -> Settings:
    """The same settings on the same clock, started at this moment (a backfill's next batch):
    the same lake object, so the tables it opened are brought up to date instead of loaded
    again."""
    return replace(settings, clock=settings.clock.restarted())
