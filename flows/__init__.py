"""Entry points: ``from flows import ingest`` mirrors ``paperdigest run``.

Importing Prefect costs time, so the flow is imported on first use rather than with the package.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "ingest":
        from flows.ingest import ingest

        return ingest
    raise AttributeError(name)
