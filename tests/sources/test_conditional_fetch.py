"""Every fetch kind sends its validators back: a second fetch of an unchanged resource costs one
304 per page and lands nothing. Against a real HTTP server on loopback."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import TYPE_CHECKING

import pytest
from werkzeug import Request, Response

from pipeline.fetch_then_ingest import fetch_and_ingest
from pipeline.settings import Settings
from samples.items import hf_item
from sources import catalog
from sources.catalog import SourceUrls, canonical_url
from sources.http import HttpSettings
from tests.helpers import NOW, query

pytestmark = pytest.mark.integration

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytest_httpserver import HTTPServer

FAST = HttpSettings(
    timeout_s=2.0, max_retries=1, backoff_s=0.05, default_interval_s=0.0, rate_limits={}
)
STAMP = "Mon, 23 Nov 2026 06:00:00 GMT"


def hf_body(n: int, day: str = "2026-11-20", first: int = 0) -> bytes:
    return json.dumps(
        [hf_item(f"2611.{i:05d}", f"Paper {i}", day) for i in range(first, first + n)]
    ).encode()


class Origin:
    """Answers every request with a body that depends on its path and query, an ETag of that
    body and a Last-Modified; a request carrying the ETag gets 304. Records what it was sent."""

    def __init__(self, body_for: Callable[[Request], bytes]) -> None:
        self.body_for = body_for
        self.seen: list[tuple[str, dict[str, str], str | None, str | None]] = []

    def __call__(self, request: Request) -> Response:
        body = self.body_for(request)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        sent = request.headers.get("If-None-Match")
        self.seen.append(
            (request.path, dict(request.args), sent, request.headers.get("If-Modified-Since"))
        )
        headers = {"ETag": etag, "Last-Modified": STAMP}
        if sent == etag:
            return Response(status=304, headers=headers)
        return Response(body, headers=headers)


def paged(request: Request) -> bytes:
    return hf_body(100) if request.args.get("p") is None else hf_body(3, first=100)


KINDS: dict[
    str, tuple[Callable[[SourceUrls], catalog.Request], Callable[[Request], bytes], int]
] = {
    "date": (lambda u: catalog.hf_daily(u, day=date(2026, 11, 20)), lambda r: hf_body(2), 1),
    "week": (lambda u: catalog.hf_daily(u, week="2026-W47"), lambda r: hf_body(4), 1),
    "month": (lambda u: catalog.hf_daily(u, month="2026-10"), lambda r: hf_body(5), 1),
    "paged month": (lambda u: catalog.hf_daily(u, month="2026-11"), paged, 2),
    "search with spaces": (
        lambda u: catalog.hf_search(u, "diffusion models & 3D/4D"),
        lambda r: hf_body(2),
        1,
    ),
    "arxiv query": (
        lambda u: catalog.arxiv_query(u, 'ti:"large language" AND cat:cs.CL', 10),
        lambda r: b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
        1,
    ),
    "rss": (
        lambda u: catalog.arxiv_rss(u, "cs.LG"),
        lambda r: b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
        1,
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_second_fetch_is_conditional_and_costs_one_304_a_page(
    kind: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    make, body_for, pages = KINDS[kind]
    origin = Origin(body_for)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(origin)
    base = httpserver.url_for("").rstrip("/")
    request = make(SourceUrls(hf=base, arxiv_rss=base, arxiv_api=base))
    settings = Settings.build(lake=tmp_path / "lake", inbox=tmp_path / "inbox", now=NOW)

    first = fetch_and_ingest(settings, [request], FAST, ingest=False)
    assert (first.new_bodies, first.unchanged, len(first.failed)) == (pages, 0, 0)
    second = fetch_and_ingest(settings, [request], FAST, ingest=False)
    assert (second.new_bodies, second.unchanged, len(second.failed)) == (0, pages, 0)

    assert len(origin.seen) == 2 * pages
    first_sent, second_sent = origin.seen[:pages], origin.seen[pages:]
    assert all(inm is None and ims is None for *_, inm, ims in first_sent)
    assert all(inm is not None and ims == STAMP for *_, inm, ims in second_sent)
    # the same requests both times, parameters intact (spaces, quotes, slashes, &)
    assert [s[:2] for s in first_sent] == [s[:2] for s in second_sent]
    assert first_sent[0][1] == request.params
    # one canonical URL per page: what was sent is what the log holds
    rows = query(tmp_path / "lake", "SELECT url, status FROM fetches ORDER BY fetched_at")
    urls = [request.url_for(p) for p in range(pages)]
    assert rows == [(u, 200) for u in urls] + [(u, 304) for u in urls]


def test_canonical_urls_sort_and_encode_parameters_once() -> None:
    a = canonical_url("https://h/api", {"q": "a b&c", "limit": "5"})
    b = canonical_url("https://h/api", {"limit": "5", "q": "a b&c"})
    assert a == b == "https://h/api?limit=5&q=a+b%26c"
    assert canonical_url(a, {}) == a  # already canonical: unchanged
    assert canonical_url("https://h/rss/cs.LG", {}) == "https://h/rss/cs.LG"
