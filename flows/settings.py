"""Settings, built once at start from arguments and the environment (never read at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

from warehouse.lake import Lake


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
    now: datetime
    code_version: str
    lock_wait_s: float = 30.0
    # a digest is kilobytes to a few megabytes; past this a file is damage or an attack
    max_input_bytes: int = 100_000_000
    # fault injection for the crash tests (PAPERDIGEST_CRASH_AT): SIGKILL at that point
    crash_at: str | None = None

    @classmethod
    def build(
        cls,
        lake: str | Path | None = None,
        inbox: str | Path | None = None,
        explicit_date: date | None = None,
        now: datetime | None = None,
    ) -> Settings:
        root = lake or os.environ.get("PAPERDIGEST_LAKE") or "./lake"
        box = inbox or os.environ.get("PAPERDIGEST_INBOX") or "./inbox"
        return cls(
            lake=Lake.at(root),
            inbox=Path(box),
            explicit_date=explicit_date,
            now=now or datetime.now(UTC),
            code_version=code_version(),
            lock_wait_s=float(os.environ.get("PAPERDIGEST_LOCK_WAIT_S", "30")),
            max_input_bytes=int(os.environ.get("PAPERDIGEST_MAX_INPUT_BYTES", "100000000")),
            crash_at=os.environ.get("PAPERDIGEST_CRASH_AT") or None,
        )


def later(settings: Settings) -> Settings:
    """The same settings at this moment (a backfill's next batch): the same lake object, so the
    tables it opened are brought up to date instead of loaded again."""
    return replace(settings, now=datetime.now(UTC))


def bundled_samples() -> Path:
    return Path(__file__).resolve().parent / "sample_digests"


def default_inputs(settings: Settings) -> list[Path]:
    """The inbox when it has files, else the sample digests bundled with the package."""
    if settings.inbox.is_dir() and any(p.is_file() for p in settings.inbox.rglob("*")):
        return [settings.inbox]
    return [bundled_samples()]
