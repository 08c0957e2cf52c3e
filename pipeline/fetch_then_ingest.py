"""Fetch then ingest, as plain functions; the scheduled flows and ``paperdigest fetch`` wire them."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.report import RunReport, new_run_id
from pipeline.run import Caller, direct_call, run_ingest
from sources.fetch import Fetched, fetch_all, log_fetches, stage_for_ingest
from sources.http import Fetcher, HttpSettings
from warehouse.views import build_views

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.settings import Settings
    from sources.catalog import Request


@dataclass
class FetchReport:
    fetched: list[Fetched] = field(default_factory=list)
    ingest: RunReport | None = None
    inbox_copies: list[Path] = field(default_factory=list)

    @property
    def new_bodies(self) -> int:
        return sum(1 for f in self.fetched if f.landed is not None)

    @property
    def unchanged(self) -> int:
        return sum(1 for f in self.fetched if f.result is not None and f.result.not_modified)

    @property
    def failed(self) -> list[Fetched]:
        return [f for f in self.fetched if f.error]


def fetch_and_ingest(
    settings: Settings,
    requests: list[Request],
    http: HttpSettings,
    ingest: bool = True,
    call: Caller = direct_call,
    on_done: Callable[[Fetched], None] | None = None,
) -> FetchReport:
    """Fetch ``requests``, land and log them; then ingest what came back (or drop it in the inbox)."""
    lake = settings.lake
    report = FetchReport()
    with Fetcher(http, now=settings.clock.now) as fetcher:
        report.fetched = fetch_all(requests, fetcher, lake, settings.now, on_done)
    with lake.locked(settings.lock_wait_s):
        log_fetches(lake, report.fetched, new_run_id(settings.now), settings.clock.now())
    if ingest:
        staging = Path(tempfile.mkdtemp(prefix="paperdigest-fetch-"))
        try:
            if stage_for_ingest(report.fetched, lake, staging):
                report.ingest = run_ingest(settings, [staging], call=call)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    else:
        report.inbox_copies = stage_for_ingest(report.fetched, lake, settings.inbox)
    if report.ingest is None:
        # no run rebuilt the views, but the fetch log changed: show it
        with lake.locked(settings.lock_wait_s):
            ledger = lake.latest_ledger()
            build_views(
                lake,
                lake.pinned_versions(),
                ledger["run_id"] if ledger else "fetch-only",
                mart_grace_s=settings.mart_grace_s,
            )
    return report
