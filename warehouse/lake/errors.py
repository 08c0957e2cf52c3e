"""What can go wrong opening or using a lake, as the CLI reports it."""

from __future__ import annotations


class LakeBusy(RuntimeError):
    """Another run holds the lake."""


class LakePathError(ValueError):
    """A lake root the storage engines cannot open."""


class LakeDamaged(RuntimeError):
    """Lake metadata that cannot be read; the message names the file and what to do."""
