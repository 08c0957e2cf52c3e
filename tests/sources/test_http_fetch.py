"""Fetchers against a real HTTP server on loopback (pytest-httpserver). No test touches the internet."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
from werkzeug import Request, Response

from pipeline.fetch_then_ingest import fetch_and_ingest
from pipeline.settings import Settings
from samples.items import hf_item
from sources import catalog
from sources.catalog import SourceUrls
from sources.http import Fetcher, FetchError, HttpSettings
from tests.helpers import NOW, query
from tests.transforms.test_feeds_pages_emails import RSS
from warehouse.clock import Clock

pytestmark = pytest.mark.integration

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_httpserver import HTTPServer

FAST = HttpSettings(
    timeout_s=2.0, max_retries=3, backoff_s=0.05, default_interval_s=0.0, rate_limits={}
)


def body(n: int = 2, day: str = "2026-11-20") -> bytes:
    return json.dumps(
        [hf_item(f"2611.0000{i}", f"Paper {i}", day) for i in range(1, n + 1)]
    ).encode()


def test_429_with_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/x").respond_with_data(b"ok")
    with Fetcher(FAST, now=Clock.at(NOW).now) as f:
        t0 = time.monotonic()
        r = f.get(httpserver.url_for("/x"))
        waited = time.monotonic() - t0
    assert (r.status, r.body, r.attempts) == (200, b"ok", 2)
    assert f.slept == [1.0]
    assert waited >= 1.0


def test_503_then_200_backs_off_and_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/x").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/x").respond_with_data(b"fine")
    with Fetcher(FAST, now=Clock.at(NOW).now) as f:
        r = f.get(httpserver.url_for("/x"))
    assert (r.status, r.body, r.attempts) == (200, b"fine", 3)
    assert f.slept == [0.05, 0.1]  # exponential backoff


def test_persistent_5xx_gives_up_with_a_clear_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("down", status=500)
    with (
        Fetcher(FAST, now=Clock.at(NOW).now) as f,
        pytest.raises(FetchError, match=r"HTTP 500 after 4 attempt\(s\)"),
    ):
        f.get(httpserver.url_for("/x"))


def test_404_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("nope", status=404)
    with (
        Fetcher(FAST, now=Clock.at(NOW).now) as f,
        pytest.raises(FetchError, match=r"HTTP 404 after 1 attempt"),
    ):
        f.get(httpserver.url_for("/x"))


def test_slow_body_times_out_then_fails(httpserver: HTTPServer) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(0.6)
        return Response(b"late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    settings = replace(FAST, timeout_s=0.2, max_retries=1)
    with (
        Fetcher(settings, now=Clock.at(NOW).now) as f,
        pytest.raises(FetchError, match="ReadTimeout after 2 attempt"),
    ):
        f.get(httpserver.url_for("/slow"))


def test_oversized_body_is_cut_off(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)

    def chunked(_request: Request) -> Response:
        return Response((b"y" * 1000 for _ in range(10)), direct_passthrough=True)

    httpserver.expect_request("/stream").respond_with_handler(chunked)
    settings = replace(FAST, max_bytes=2000)
    with Fetcher(settings, now=Clock.at(NOW).now) as f:
        with pytest.raises(FetchError, match="5000 bytes is over the 2000-byte cap"):
            f.get(httpserver.url_for("/big"))
        with pytest.raises(FetchError, match="passed the 2000-byte cap"):
            f.get(httpserver.url_for("/stream"))


def test_per_host_rate_limit_spaces_requests(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r").respond_with_data(b"ok")
    settings = replace(FAST, rate_limits={"127.0.0.1": 0.3, "localhost": 0.3})
    with Fetcher(settings, now=Clock.at(NOW).now) as f:
        t0 = time.monotonic()
        for _ in range(3):
            f.get(httpserver.url_for("/r"))
        elapsed = time.monotonic() - t0
    assert elapsed >= 0.6
    assert len(f.slept) == 2


def test_conditional_request_costs_one_304_and_lands_nothing(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    seen: list[str | None] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body(), headers={"ETag": '"v1"', "Content-Type": "application/json"})

    httpserver.expect_request("/api/daily_papers").respond_with_handler(handler)
    urls = SourceUrls(hf=httpserver.url_for("").rstrip("/"))
    settings = Settings.build(lake=tmp_path / "lake", inbox=tmp_path / "inbox", now=NOW)
    req = [catalog.hf_daily(urls, day=date(2026, 11, 20))]
    first = fetch_and_ingest(settings, req, FAST)
    assert first.new_bodies == 1
    assert first.ingest is not None
    assert first.ingest.entries == 2
    second = fetch_and_ingest(settings, req, FAST)
    assert (second.new_bodies, second.unchanged, second.ingest) == (0, 1, None)
    assert seen == [None, '"v1"']
    statuses = query(
        tmp_path / "lake", "SELECT status, etag, name FROM fetches ORDER BY fetched_at"
    )
    assert statuses == [
        (200, '"v1"', "hf_daily_papers_date-2026-11-20.json"),
        (304, '"v1"', "hf_daily_papers_date-2026-11-20.json"),
    ]
    # the request metadata sits beside the raw bytes
    (raw_path,) = query(tmp_path / "lake", "SELECT raw_path FROM raw_files")[0]
    sidecars = list((tmp_path / "lake" / raw_path).parent.glob("*.fetch-*.json"))
    meta = json.loads(sidecars[0].read_text())
    assert meta["status"] == 200
    assert meta["params"]["date"] == "2026-11-20"
    assert meta["headers"]["etag"] == '"v1"'


def test_paged_month_follows_pages(httpserver: HTTPServer, tmp_path: Path) -> None:
    full = json.dumps(
        [hf_item(f"2611.{i:05d}", f"Paper {i}", "2026-11-02") for i in range(100)]
    ).encode()
    httpserver.expect_request(
        "/api/daily_papers", query_string={"month": "2026-11", "limit": "100"}
    ).respond_with_data(full)
    httpserver.expect_request(
        "/api/daily_papers", query_string={"month": "2026-11", "limit": "100", "p": "1"}
    ).respond_with_data(body(3))
    urls = SourceUrls(hf=httpserver.url_for("").rstrip("/"))
    settings = Settings.build(lake=tmp_path / "lake", inbox=tmp_path / "inbox", now=NOW)
    report = fetch_and_ingest(settings, [catalog.hf_daily(urls, month="2026-11")], FAST)
    assert [f.name for f in report.fetched] == [
        "hf_daily_papers_month-2026-11.json",
        "hf_daily_papers_month-2026-11_p1.json",
    ]
    assert report.ingest is not None
    assert report.ingest.entries == 103


def test_no_ingest_lands_and_leaves_a_copy_in_the_inbox(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/rss/cs.LG").respond_with_data(RSS.encode())
    urls = SourceUrls(arxiv_rss=httpserver.url_for("").rstrip("/"))
    settings = Settings.build(lake=tmp_path / "lake", inbox=tmp_path / "inbox", now=NOW)
    report = fetch_and_ingest(settings, [catalog.arxiv_rss(urls, "cs.LG")], FAST, ingest=False)
    assert report.ingest is None
    assert [p.name for p in report.inbox_copies] == ["arxiv_rss_cs.LG.xml"]
    assert (tmp_path / "inbox" / "arxiv_rss_cs.LG.xml").exists()
    assert list((tmp_path / "lake" / "raw").rglob("*.xml"))


def test_redirects_stay_on_the_host_asked(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(b"moved here")
    httpserver.expect_request("/away").respond_with_data(
        "", status=302, headers={"Location": "http://evil.example.invalid/steal"}
    )
    with Fetcher(FAST, now=Clock.at(NOW).now) as f:
        assert f.get(httpserver.url_for("/old")).body == b"moved here"
        with pytest.raises(FetchError, match=r"redirect to 'evil\.example\.invalid' refused"):
            f.get(httpserver.url_for("/away"))


def test_credentials_never_reach_request_metadata(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_data(
        body(),
        headers={"Set-Cookie": "session=secret-token", "ETag": '"e"'},
        content_type="application/json",
    )
    urls = SourceUrls(hf=httpserver.url_for("").rstrip("/"))
    settings = Settings.build(lake=tmp_path / "lake", inbox=tmp_path / "inbox", now=NOW)
    fetch_and_ingest(settings, [catalog.hf_daily(urls, day=date(2026, 11, 20))], FAST)
    lake = tmp_path / "lake"
    stored = "".join(p.read_text() for p in lake.rglob("*.fetch-*.json"))
    assert "secret-token" not in stored
    assert '"etag"' in stored
    assert query(lake, "SELECT count(*) FROM fetches WHERE headers LIKE '%secret-token%'") == [(0,)]
