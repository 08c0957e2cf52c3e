"""One clock per run: every moment a run stamps comes from the clock it was given, and the
tables it publishes do not depend on which moment that was."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.crash_harness import hashes
from flows.cli import main
from pipeline.fetch_then_ingest import fetch_and_ingest
from pipeline.run import run_ingest
from pipeline.settings import Settings
from samples import bundled_samples
from samples.items import hf_item
from sources import catalog
from sources.catalog import SourceUrls
from sources.http import HttpSettings
from tests.helpers import NOW, ingest, query
from transforms.dates import nearest_month_day
from warehouse.clock import NOW_ENV, Clock, ClockError, parse_moment
from warehouse.lake import Lake

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

FAST = HttpSettings(
    timeout_s=2.0, max_retries=1, backoff_s=0.05, default_interval_s=0.0, rate_limits={}
)


def fetch_then_ingest_samples(lake: Path, now: datetime | None, base: str) -> Settings:
    """A fetch of one day from ``base``, then the bundled samples: one run each, on ``now``
    (None: the real clock)."""
    settings = Settings.build(lake=lake, inbox=lake.parent / "inbox", now=now)
    request = catalog.hf_daily(SourceUrls(hf=base), day=date(2026, 11, 20))
    report = fetch_and_ingest(settings, [request], FAST)
    assert report.ingest is not None
    assert report.ingest.status == "published"
    later = Settings.build(lake=lake, now=None if now is None else now + timedelta(minutes=5))
    assert run_ingest(later, [bundled_samples()]).status == "published"
    return settings


def test_another_month_and_year_publish_the_same_tables(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(NOW_ENV, raising=False)
    body = json.dumps(
        [hf_item(f"2611.9000{i}", f"Fetched Paper {i}", "2026-11-20") for i in range(3)]
    ).encode()
    httpserver.expect_request("/api/daily_papers").respond_with_data(
        body, headers={"ETag": '"b1"'}, content_type="application/json"
    )
    base = httpserver.url_for("").rstrip("/")
    real = datetime.now(UTC)
    # 400 days on: always another year, and another month (13 or 14 months on)
    shifted = real + timedelta(days=400)
    assert (shifted.year, shifted.month) != (real.year, real.month)
    assert shifted.year != real.year

    fetch_then_ingest_samples(tmp_path / "real" / "lake", None, base)
    fetch_then_ingest_samples(tmp_path / "shifted" / "lake", shifted, base)
    assert hashes(tmp_path / "shifted" / "lake") == hashes(tmp_path / "real" / "lake")

    lake = tmp_path / "shifted" / "lake"
    month = f"{shifted:%Y}/{shifted:%m}"
    # every stored copy sits in the run clock's month, each fetch's metadata beside its body
    raw_paths = [r[0] for r in query(lake, "SELECT raw_path FROM raw_files")]
    assert len(raw_paths) == 9
    assert all(f"/{month}/" in p for p in raw_paths)
    (fetched,) = query(lake, "SELECT sha256, fetched_at FROM fetches WHERE status = 200")
    (path,) = [p for p in raw_paths if fetched[0] in p]
    sidecars = list((lake / path).parent.glob(f"{fetched[0]}.json.fetch-*.json"))
    assert len(sidecars) == 1
    meta = json.loads(sidecars[0].read_text())
    assert datetime.fromisoformat(meta["fetched_at"]) == fetched[1]
    # the moments stamped are the clock's: a few seconds after it started, not the machine's
    lk = Lake.at(lake)
    runs = lk.scan("runs").collect()
    for column in ("started_at", "finished_at"):
        assert all(timedelta(0) <= t - shifted < timedelta(minutes=10) for t in runs[column])
    assert timedelta(0) <= fetched[1] - shifted < timedelta(minutes=10)
    assert all(r["run_id"].startswith(f"{shifted:%Y%m%d}") for r in runs.iter_rows(named=True))
    for key in lk.ledger_keys():
        ledger = json.loads(lk.store.read(key))
        assert datetime.fromisoformat(ledger["finished_at"]).year == shifted.year
    observed = query(lake, "SELECT DISTINCT year(observed_at) FROM digest_entries")
    assert observed == [(shifted.year,)]


def test_a_file_landed_again_in_a_later_month_keeps_its_one_copy(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest(lake, bundled_samples(), now=NOW)
    ingest(lake, bundled_samples(), now=NOW + timedelta(days=45))
    copies = sorted(p.relative_to(lake) for p in (lake / "raw").rglob("*") if p.is_file())
    assert len(copies) == 8
    assert all(f"/{NOW:%Y}/{NOW:%m}/" in str(p) for p in copies)


def test_a_yearless_page_date_takes_the_year_of_its_file_name(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    page = "Dec 30\n\nA Paper About Clocks\n\nWe study clocks that never read the wall.\n"
    (inbox / "hf_papers_page_2026-12-31.txt").write_text(page)
    # landed more than a year later, and in the same month: the name still dates it
    report = ingest(tmp_path / "lake", inbox, now=datetime(2028, 12, 31, tzinfo=UTC))
    assert report.status == "published"
    assert query(tmp_path / "lake", "SELECT digest_date, digest_date_source FROM digests") == [
        (date(2026, 12, 30), "content")
    ]


def test_nearest_month_day() -> None:
    assert nearest_month_day(11, 17, date(2026, 11, 16)) == date(2026, 11, 17)
    assert nearest_month_day(1, 2, date(2026, 12, 31)) == date(2027, 1, 2)
    assert nearest_month_day(12, 30, date(2027, 1, 1)) == date(2026, 12, 30)
    assert nearest_month_day(2, 29, date(2027, 3, 1)) == date(2028, 2, 29)


def test_the_clock_moves_on_from_its_start() -> None:
    clock = Clock.at(NOW)
    first, second = clock.now(), clock.now()
    assert NOW <= first <= second < NOW + timedelta(seconds=5)
    again = clock.restarted()
    assert again.start >= first
    assert again.now() >= again.start
    with pytest.raises(ClockError, match="aware"):
        Clock.at(datetime(2026, 1, 1))
    assert parse_moment("2031-03-09T06:30:00Z") == datetime(2031, 3, 9, 6, 30, tzinfo=UTC)
    assert parse_moment("2031-03-09") == datetime(2031, 3, 9, tzinfo=UTC)
    env_clock = Clock.from_env({NOW_ENV: "2031-03-09T06:30:00+02:00"})
    assert env_clock.start == datetime(2031, 3, 9, 4, 30, tzinfo=UTC)


def test_the_cli_runs_on_the_clock_of_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    monkeypatch.setenv(NOW_ENV, "2031-03-09T06:30:00Z")
    assert main(["run", str(bundled_samples()), "--lake", str(lake), "--no-prefect"]) == 0
    (started,) = query(lake, "SELECT started_at FROM runs")[0]
    assert started == datetime(2031, 3, 9, 6, 30, tzinfo=UTC)
    assert all("/2031/03/" in p for (p,) in query(lake, "SELECT raw_path FROM raw_files"))
    monkeypatch.setenv(NOW_ENV, "next tuesday")
    capsys.readouterr()
    assert main(["run", str(bundled_samples()), "--lake", str(lake), "--no-prefect"]) == 2
    assert "PAPERDIGEST_NOW: not an ISO 8601 moment: 'next tuesday'" in capsys.readouterr().out
