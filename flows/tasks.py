"""A run's stages as Prefect tasks: what the flows pass ``run_ingest`` as its caller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prefect import task
from prefect.cache_policies import NO_CACHE

if TYPE_CHECKING:
    from collections.abc import Callable

# landing is content-addressed and publishing skips commits its run already made, so both are
# safe to retry (a flaky disk, a share, an object store hiccup)
_RETRIES = {"land": 2, "publish": 1}


def as_task(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # NO_CACHE: inputs are large frames; hashing them for a cache key would cost more than the work
    make = task(
        name=name, cache_policy=NO_CACHE, retries=_RETRIES.get(name, 0), retry_delay_seconds=1
    )
    return make(fn)(*args, **kwargs)
