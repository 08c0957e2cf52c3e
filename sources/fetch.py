"""Running requests: fetch politely, land each body byte for byte with its request metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import polars as pl

from sources.catalog import HF_PAGE_SIZE, Request
from sources.http import Fetcher, FetchError, FetchResult, Validators
from transforms.landing import LandedFile, land_bytes
from warehouse.contracts import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from warehouse.lake import Lake


@dataclass
class Fetched:
    request: Request
    name: str
    result: FetchResult | None
    landed: LandedFile | None
    error: str | None = None


def _validators(lake: Lake, url: str) -> Validators | None:
    """The ETag / Last-Modified of the newest successful fetch of ``url``."""
    prior = (
        lake.scan("fetches")
        .filter((pl.col("url") == url) & (pl.col("status") == 200))
        .sort("fetched_at")
        .select("etag", "last_modified")
        .tail(1)
        .collect()
    )
    if prior.height == 0:
        return None
    etag, modified = prior.row(0)
    return Validators(etag, modified) if etag or modified else None


def _full_url(request: Request, page: int) -> tuple[str, dict[str, str]]:
    params = dict(request.params)
    if request.paged and page:
        params["p"] = str(page)
    query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"{request.url}?{query}" if query else request.url, params


def fetch_all(
    requests: list[Request],
    fetcher: Fetcher,
    lake: Lake,
    on_done: Callable[[Fetched], None] | None = None,
) -> list[Fetched]:
    """Fetch every request (and every page of paged ones); land bodies; log each request."""
    out: list[Fetched] = []
    for request in requests:
        page = 0
        while True:
            key, params = _full_url(request, page)
            name = request.name if not page else request.name.replace(".json", f"_p{page}.json")
            try:
                result = fetcher.get(request.url, params, _validators(lake, key))
            except FetchError as e:
                item = Fetched(request, name, None, None, str(e))
                out.append(item)
                if on_done:
                    on_done(item)
                break
            landed = None
            if result.body is not None:
                landed = land_bytes(result.body, name, lake.store, result.fetched_at)
                meta = {
                    "url": result.url,
                    "params": params,
                    "status": result.status,
                    "headers": result.headers,
                    "fetched_at": result.fetched_at.isoformat(),
                    "attempts": result.attempts,
                }
                sidecar = f"{landed.raw_path}.fetch-{result.fetched_at:%Y%m%dT%H%M%S%f}Z.json"
                lake.store.write(sidecar, json.dumps(meta, indent=1).encode())
            item = Fetched(request, name, result, landed)
            out.append(item)
            if on_done:
                on_done(item)
            if not (request.paged and result.body and _is_full_page(result.body)):
                break
            page += 1
    return out


def _is_full_page(body: bytes) -> bool:
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(doc, list) and len(doc) >= HF_PAGE_SIZE


def log_fetches(lake: Lake, fetched: list[Fetched], run_id: str) -> int | None:
    rows = []
    for f in fetched:
        key, params = _full_url(f.request, 0)
        r = f.result
        rows.append(
            {
                "url": r.url if r else key,
                "source": f.request.source,
                "params": json.dumps(r.params if r else params, sort_keys=True),
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
    now = datetime.now(UTC)
    df = pl.DataFrame(
        rows,
        schema_overrides={
            "fetched_at": pl.Datetime("us", "UTC"),
            "elapsed_s": pl.Float64,
            "bytes": pl.Int64,
            "etag": pl.String,
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
