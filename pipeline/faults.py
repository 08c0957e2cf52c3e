"""Fault injection for the crash tests (``PAPERDIGEST_CRASH_AT``, ``PAPERDIGEST_STALL_AT``)."""

from __future__ import annotations

import os
import signal
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.settings import Settings


def crashpoint(settings: Settings, name: str) -> None:
    """Fault injection for the crash-consistency tests: die here, as a power cut would (or
    stall here for a while, so a test can break something around the run)."""
    if settings.crash_at == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if settings.stall_at and settings.stall_at[0] == name:
        time.sleep(settings.stall_at[1])
