"""Scheduled Prefect flows and ``paperdigest serve``: wiring, schedules, no overlap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from prefect import flow

from flows.tasks import as_task
from pipeline.fetch_then_ingest import fetch_and_ingest
from pipeline.settings import Settings
from sources import catalog
from sources.config import Config, load_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from prefect.deployments.runner import RunnerDeployment

    from sources.catalog import Request


def _summary(report: Any) -> dict[str, Any]:
    ingest = report.ingest
    return {
        "fetched": len(report.fetched),
        "new_bodies": report.new_bodies,
        "unchanged": report.unchanged,
        "failed": [f.error for f in report.failed],
        "run_id": ingest.run_id if ingest else None,
        "status": ingest.status if ingest else "noop",
        "entries": ingest.entries if ingest else 0,
    }


def _fetch_and_publish(
    lake: str | None,
    settings_file: str | None,
    requests_for: Callable[[Config, date], list[Request]],
) -> dict[str, Any]:
    """Fetch what ``requests_for`` asks on the run's day, ingest it; a rejected or failed ingest
    fails the flow run."""
    config = load_config(settings_file)
    settings = Settings.build(lake=lake)
    report = fetch_and_ingest(
        settings, requests_for(config, settings.now.date()), config.http, call=as_task
    )
    if report.ingest and report.ingest.status in ("rejected", "failed"):
        raise RuntimeError(f"ingest {report.ingest.status}: {report.ingest.message}")
    return _summary(report)


@flow(name="fetch-hf-daily", validate_parameters=False)
def fetch_hf_daily(lake: str | None = None, settings_file: str | None = None) -> dict[str, Any]:
    """Today's HF daily papers plus a re-fetch of the last days (each change is a new observation)."""
    return _fetch_and_publish(
        lake,
        settings_file,
        lambda c, today: catalog.hf_daily_window(c.urls, today, c.hf.refetch_days),
    )


@flow(name="fetch-arxiv-listings", validate_parameters=False)
def fetch_arxiv_listings(
    lake: str | None = None, settings_file: str | None = None
) -> dict[str, Any]:
    """The RSS listing of every configured arXiv category."""
    return _fetch_and_publish(
        lake,
        settings_file,
        lambda c, _today: [catalog.arxiv_rss(c.urls, cat) for cat in c.arxiv.categories],
    )


def serve(config: Config, lake: str) -> None:
    """Serve both deployments with their schedules; each runs one at a time (concurrency 1)."""
    from prefect import serve as prefect_serve

    params = {"lake": lake, "settings_file": config.source_file}
    deployments = [
        fetch_hf_daily.to_deployment(
            name="hf-daily",
            cron=config.hf.schedule,
            parameters=params,
            concurrency_limit=1,
            description="HF daily papers: today and a re-fetch of the last days",
        ),
        fetch_arxiv_listings.to_deployment(
            name="arxiv-listings",
            cron=config.arxiv.schedule,
            parameters=params,
            concurrency_limit=1,
            description="arXiv RSS listings of the configured categories",
        ),
    ]
    prefect_serve(*cast("list[RunnerDeployment]", deployments))
