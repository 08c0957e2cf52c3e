"""The HTML dashboard in a real headless Chromium: loads offline, no console errors, every chart drawn."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from samples import bundled_samples
from tests.helpers import NOW, ingest
from warehouse.lake import Lake
from warehouse.report import write_report

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=3000",
]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


def browse(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium(),
            *FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            "--enable-logging=stderr",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def console_errors(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if "CONSOLE" in line and ("Error" in line or "Uncaught" in line)
    ]


def test_harness_sees_console_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    assert console_errors(browse(broken, tmp_path, "--dump-dom").stderr)


def test_report_renders_every_chart_offline(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest(lake, bundled_samples())
    report = write_report(Lake.at(lake), NOW)
    text = report.read_text()
    assert "http://" not in text
    assert "https://" not in text.replace("https://github.com", "")
    dom = browse(report, tmp_path, "--dump-dom")
    assert console_errors(dom.stderr) == []
    body = LexborHTMLParser(dom.stdout).css_first("body")
    assert body is not None
    n, drawn = (
        int(body.attributes["data-charts"] or 0),
        int(body.attributes["data-charts-drawn"] or 0),
    )
    assert n == 5
    assert drawn == n
    names = {
        svg.attributes.get("data-chart") for svg in LexborHTMLParser(dom.stdout).css("svg.chart")
    }
    assert names == {"topic_trends", "rising_terms", "popularity", "coverage", "run_health"}
    for svg in LexborHTMLParser(dom.stdout).css("svg.chart"):
        assert svg.css("polyline, rect, circle"), svg.attributes.get("data-chart")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    browse(report, tmp_path, "--window-size=1100,2600", f"--screenshot={shot}")
    assert shot.exists()
    assert shot.stat().st_size > 20_000
