"""Every ``paperdigest fetch`` source against a loopback server serving the real samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from flows.cli import main
from tests.helpers import query

pytestmark = [pytest.mark.real_data, pytest.mark.integration]


def test_every_fetch_source_lands_and_publishes(
    real_data: Path, httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hf = real_data / "hf_daily_papers_api"
    httpserver.expect_request(
        "/api/daily_papers", query_string={"date": "2024-08-01", "limit": "100"}
    ).respond_with_data(
        (hf / "2404589803_date-2024-08-01.json").read_bytes(), content_type="application/json"
    )
    httpserver.expect_request("/api/papers/search").respond_with_data(
        (hf / "2404589803_date-2024-05-27.json").read_bytes(), content_type="application/json"
    )
    httpserver.expect_request("/papers/date/2024-08-01").respond_with_data(
        (real_data / "hf_papers_html/slbqc_huggingface_papers_2024-08-01.html").read_bytes(),
        content_type="text/html",
    )
    httpserver.expect_request("/rss/cs.AI").respond_with_data(
        (real_data / "arxiv_rss/jmamath-distill_arxiv_rss_cs_ai.xml").read_bytes(),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/api/query").respond_with_data(
        (
            real_data / "arxiv_api/lukasschwab_2026_q_testing_s0_m10_bc5a6c384fe9.body.xml"
        ).read_bytes()
    )
    base = httpserver.url_for("").rstrip("/")
    settings = tmp_path / "s.toml"
    settings.write_text(
        f'[hf]\nbase_url = "{base}"\n[arxiv]\nrss_base_url = "{base}"\napi_base_url = "{base}"\n'
        f'[http]\ndefault_interval_s = 0.0\n[http.rate_limits]\n"127.0.0.1" = 0.0\n'
    )
    lake = tmp_path / "lake"
    common = ["--lake", str(lake), "--settings", str(settings)]
    assert main(["fetch", "hf-daily", "--date", "2024-08-01", *common]) == 0
    assert main(["fetch", "hf-search", "llava", *common]) == 0
    assert main(["fetch", "hf-page", "--date", "2024-08-01", *common]) == 0
    assert main(["fetch", "arxiv-rss", "cs.AI", *common]) == 0
    assert main(["fetch", "arxiv-query", "all:testing", "--max-results", "10", *common]) == 0
    out = capsys.readouterr().out
    assert "hf_daily_papers_date-2024-08-01.json" in out
    counts = dict(
        query(lake, "SELECT format || '/' || listing, sum(n_entries) FROM digests GROUP BY 1")
    )
    assert counts == {
        "hf_daily_json/daily": 11,
        "hf_daily_json/search": 13,
        "hf_page_html/daily": 13,
        "arxiv_rss/arxiv_listing": 3,
        "arxiv_atom/arxiv_query": 10,
    }
    # the day's page and the day's JSON are the same 11 papers (the page shows 2 more)
    assert query(lake, "SELECT count(*) FROM papers WHERE n_digests = 2") == [(11,)]
    assert query(lake, "SELECT count(*) FROM fetches WHERE status = 200") == [(5,)]


def test_bad_settings_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[hf]\nbase_ulr = 'x'\n")
    assert (
        main(["fetch", "hf-daily", "--settings", str(bad), "--lake", str(tmp_path / "lake")]) == 2
    )
    assert "unknown setting(s) base_ulr" in capsys.readouterr().out
