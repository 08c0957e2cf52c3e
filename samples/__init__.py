"""Synthetic digests: the generator (``paperdigest samples``, tests, the bench) and the set bundled
with the package, which ``make run`` ingests when the inbox is empty."""

from __future__ import annotations

from pathlib import Path


def bundled_samples() -> Path:
    return Path(__file__).resolve().parent / "bundled"


def default_inputs(inbox: Path) -> list[Path]:
    """The inbox when it has files, else the bundled samples."""
    if inbox.is_dir() and any(p.is_file() for p in inbox.rglob("*")):
        return [inbox]
    return [bundled_samples()]
