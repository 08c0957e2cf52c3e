"""The HTML dashboard in a real headless Chromium: loads offline, no console errors, every chart drawn."""

from __future__ import annotations

import json
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
# one layout for the DOM dump and the screenshot: the label boxes the page reports are where
# the screenshot draws them
WINDOW = "--window-size=1100,2600"
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
    page = LexborHTMLParser(report.read_text())
    # nothing is fetched: no external script, style, image or frame; links to papers are fine
    fetched = [
        node.attributes.get("src") or node.attributes.get("href") or ""
        for node in page.css("script[src], link, img, iframe, source, object")
    ]
    assert not [u for u in fetched if "//" in u], fetched
    links = [a.attributes.get("href") or "" for a in page.css("a")]
    assert any(u.startswith("https://huggingface.co/papers/") for u in links)
    assert any(u.startswith("https://arxiv.org/abs/") for u in links)
    dom = browse(report, tmp_path, WINDOW, "--dump-dom")
    assert console_errors(dom.stderr) == []
    body = LexborHTMLParser(dom.stdout).css_first("body")
    assert body is not None
    assert body.attributes.get("data-chart-error") is None
    checks = json.loads(body.attributes.get("data-chart-checks") or "{}")
    assert set(checks) == {"topic_trends", "rising_terms", "popularity", "coverage", "run_health"}
    for name, found in checks.items():
        # two labelled axes with tick labels, a legend, and values on hover
        assert found["axes"] >= 2, name
        assert len(found["axis_titles"]) == 2, name
        assert all(found["axis_titles"]), name
        assert found["tick_labels"] > 0, name
        assert found["legends"] >= 1, name
        assert found["hover"], name
    assert "share" in checks["topic_trends"]["hover"]
    assert "lift" in checks["rising_terms"]["hover"]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    browse(report, tmp_path, WINDOW, f"--screenshot={shot}")
    # the screenshot shows the labels where the page says they are: text, not a blank box
    first = checks["topic_trends"]
    box = first["label_box"]
    assert _dark_pixels(shot, box) > 20 * first["tick_labels"]
    # while the page's right margin, beside the same chart, is blank
    assert _dark_pixels(shot, [1040, box[1], 50, box[3]]) == 0


def _dark_pixels(png: Path, box: list[float]) -> int:
    """Pixels darker than mid-grey within ``box`` (x, y, width, height) of the screenshot."""
    from PIL import Image

    image = Image.open(png).convert("L")
    x, y, w, h = (int(v) for v in box)
    region = image.crop((x, y, x + w, y + h))
    return sum(1 for v in region.tobytes() if v < 128)
