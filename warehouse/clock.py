"""The run's clock: one moment injected at start, from which every stamp of the run is taken.

Nothing inside a run reads the wall clock on its own. A run's landing time (and the raw-zone
month derived from it) is ``start``; stamps taken later in the run (a fetch's ``fetched_at``,
a ledger's ``finished_at``) are ``start`` plus the time elapsed since, on the monotonic clock,
so a clock set to another date stays on that date and still moves forward.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# set to an ISO 8601 moment to run as if it were then (tests, replays, reprocessing)
NOW_ENV = "PAPERDIGEST_NOW"


class ClockError(ValueError):
    pass


def parse_moment(value: str) -> datetime:
    """An ISO 8601 moment as an aware UTC datetime (a naive one is taken as UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(f"not an ISO 8601 moment: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Clock:
    start: datetime
    _mono: float = field(default_factory=time.monotonic, repr=False, compare=False)

    @classmethod
    def at(cls, start: datetime) -> Clock:
        if start.tzinfo is None:
            raise ClockError(f"the run's clock needs an aware moment, got {start!r}")
        return cls(start.astimezone(UTC))

    @classmethod
    def from_env(cls, environ: dict[str, str] | os._Environ[str] = os.environ) -> Clock:
        """The clock a command starts with: ``$PAPERDIGEST_NOW`` when set, else the wall clock
        (the one place the wall clock is read)."""
        value = environ.get(NOW_ENV)
        return cls.at(parse_moment(value) if value else datetime.now(UTC))

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._mono)

    def restarted(self) -> Clock:
        """The same timeline, starting now: the clock of a backfill's next batch."""
        return Clock.at(self.now())
