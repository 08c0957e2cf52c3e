"""How long our processes live: a child never outlives the command that started it, and a
terminated command stops the way an interrupted one does (its cleanups run)."""

from __future__ import annotations

import ctypes
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel send this process SIGTERM when its parent dies, however it dies
    (SIGKILL included): a backfill's batch process or helper never goes on publishing, and
    holding the lake's lock, for a command that is gone. Linux only; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return


def exit_on_sigterm() -> None:
    """SIGTERM raises ``SystemExit`` in the main thread instead of ending the process at once,
    so context managers (the lake lock) and exit handlers (Prefect's temporary server, which
    would otherwise be left running) run, as for Ctrl-C."""

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
