"""Running requests: fetch politely, land each body byte for byte with its request metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from sources.catalog import HF_PAGE_SIZE
from sources.http import Fetcher, FetchError, FetchResult, Validators
from transforms.landing import LandedFile, land_bytes
from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from sources.catalog import Request
    from warehouse.lake import Lake


@dataclass
class Fetched:
    request: Request
    name: str
    result: FetchResult | None
    landed: LandedFile | None
    error: str | None = None
    # the canonical URL asked (``Request.url_for``), and which page of a paged request
    url: str = ""
    page: int = 0


def _last_success(lake: Lake, url: str) -> tuple[str | None, str | None] | None:
    """(ETag, Last-Modified) of the newest successful fetch of ``url``; None if never fetched."""
    prior = (
        lake.scan("fetches")
        .filter((pl.col("url") == url) & (pl.col("status") == 200))
        .sort("fetched_at")
        .select("etag", "last_modified")
        .tail(1)
        .collect()
    )
    return prior.row(0) if prior.height else None


def _validators(lake: Lake, url: str) -> Validators | None:
    """What makes the next request of ``url`` conditional, when its last answer gave any."""
    prior = _last_success(lake, url)
    if prior is None or not any(prior):
        return None
    return Validators(*prior)


def fetch_all(
    requests: list[Request],
    fetcher: Fetcher,
    lake: Lake,
    landed_at: datetime,
    on_done: Callable[[Fetched], None] | None = None,
) -> list[Fetched]:
    """Fetch every request (and every page of paged ones); land bodies; log each request.

    Bodies land at ``landed_at``, the run's start (as the ingest run that takes them does), so a
    body, its request metadata and its ``raw_files`` row share one raw-zone folder."""
    out: list[Fetched] = []
    stored = dict(lake.scan("raw_files").select("sha256", "raw_path").collect().iter_rows())
    for request in requests:
        page = 0
        while True:
            url = request.url_for(page)
            name = request.name if not page else request.name.replace(".json", f"_p{page}.json")
            try:
                result = fetcher.get(url, None, _validators(lake, url))
            except FetchError as e:
                item = Fetched(request, name, None, None, str(e), url=url, page=page)
                out.append(item)
                if on_done:
                    on_done(item)
                break
            landed = None
            if result.body is not None:
                landed = land_bytes(result.body, name, lake.store, landed_at, stored)
                meta = {
                    "url": url,
                    "final_url": result.url,
                    "params": request.params_for(page),
                    "status": result.status,
                    "headers": result.headers,
                    "fetched_at": result.fetched_at.isoformat(),
                    "attempts": result.attempts,
                }
                sidecar = f"{landed.raw_path}.fetch-{result.fetched_at:%Y%m%dT%H%M%S%f}Z.json"
                lake.store.write(sidecar, json.dumps(meta, indent=1).encode())
            item = Fetched(request, name, result, landed, url=url, page=page)
            out.append(item)
            if on_done:
                on_done(item)
            if not request.paged:
                break
            if result.not_modified:
                # the page is as it was: a next page was there last time if it was fetched
                more = _last_success(lake, request.url_for(page + 1)) is not None
            else:
                more = result.body is not None and _is_full_page(result.body)
            if not more:
                break
            page += 1
    return out


def _is_full_page(body: bytes) -> bool:
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(doc, list) and len(doc) >= HF_PAGE_SIZE


def log_fetches(lake: Lake, fetched: list[Fetched], run_id: str, now: datetime) -> int | None:
    """Append one ``fetches`` row per request; a request that got no response is stamped
    ``now``."""
    rows = []
    for f in fetched:
        r = f.result
        rows.append(
            {
                "url": f.url,
                "final_url": r.url if r and r.url != f.url else None,
                "source": f.request.source,
                "params": json.dumps(f.request.params_for(f.page), sort_keys=True),
                "fetched_at": r.fetched_at if r else None,
                "status": r.status if r else 0,
                "etag": r.headers.get("etag") if r else None,
                "last_modified": r.headers.get("last-modified") if r else None,
                "sha256": f.landed.sha256 if f.landed else None,
                "bytes": len(r.body) if r and r.body is not None else None,
                "attempts": r.attempts if r else 1,
                "elapsed_s": r.elapsed_s if r else 0.0,
                "name": f.name,
                "headers": json.dumps(r.headers, sort_keys=True) if r else None,
                "error": f.error,
            }
        )
    if not rows:
        return lake.current_version("fetches")
    df = pl.DataFrame(
        rows,
        schema_overrides={
            "fetched_at": pl.Datetime("us", "UTC"),
            "elapsed_s": pl.Float64,
            "bytes": pl.Int64,
            "etag": pl.String,
            "final_url": pl.String,
            "last_modified": pl.String,
            "sha256": pl.String,
            "headers": pl.String,
            "error": pl.String,
        },
    )
    df = df.with_columns(pl.col("fetched_at").fill_null(now))
    return lake.append("fetches", BY_NAME["fetches"].conform(df), run_id)


def stage_for_ingest(fetched: list[Fetched], lake: Lake, folder: Path) -> list[Path]:
    """Copies of the new bodies under their request names, for the ingest run to take."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in fetched:
        if f.landed is None:
            continue
        target = folder / f.name
        target.write_bytes(f.landed.read(lake.store))
        paths.append(target)
    return paths
