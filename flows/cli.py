"""The ``paperdigest`` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

EXIT_USAGE = 2


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _add_fetch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    f = sub.add_parser("fetch", help="fetch digests over HTTP, land them, then ingest them")
    fsub = f.add_subparsers(dest="source", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lake")
    common.add_argument(
        "--settings", help="settings file (TOML): see the README's Fetching and schedules"
    )
    common.add_argument(
        "--no-ingest", action="store_true", help="only land (a copy goes to the inbox)"
    )
    hd = fsub.add_parser("hf-daily", parents=[common], help="HF daily papers API (all pages)")
    when = hd.add_mutually_exclusive_group()
    when.add_argument("--date", type=_date)
    when.add_argument("--week", help="YYYY-Www")
    when.add_argument("--month", help="YYYY-MM")
    hd.add_argument(
        "--days-back",
        type=int,
        default=0,
        help="with --date (default today): also the N days before",
    )
    hs = fsub.add_parser("hf-search", parents=[common], help="HF paper search")
    hs.add_argument("query")
    hp = fsub.add_parser("hf-page", parents=[common], help="a huggingface.co/papers page")
    hp.add_argument("--date", type=_date)
    ar = fsub.add_parser("arxiv-rss", parents=[common], help="arXiv RSS category listings")
    ar.add_argument("categories", nargs="*", help="default: the settings file's categories")
    aq = fsub.add_parser("arxiv-query", parents=[common], help="an arXiv API query")
    aq.add_argument("query")
    aq.add_argument("--max-results", type=int, default=100)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="paperdigest", description="A warehouse of trending-paper digests."
    )
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="land, parse, gate and publish digests")
    run.add_argument(
        "paths", nargs="*", help="files or folders (default: ./inbox, else the bundled samples)"
    )
    run.add_argument("--lake", help="lake root (default: $PAPERDIGEST_LAKE or ./lake)")
    run.add_argument(
        "--date", type=_date, help="digest date for every input (beats any date found)"
    )
    run.add_argument(
        "--no-prefect", action="store_true", help="run the same stages without Prefect"
    )

    bf = sub.add_parser(
        "backfill", help="ingest a large history in date-ordered batches, one run each"
    )
    bf.add_argument("paths", nargs="+", help="files or folders")
    bf.add_argument("--lake")
    bf.add_argument(
        "--batch-files",
        type=int,
        default=200,
        help="files per run (about 50,000 entries at arXiv-listing sizes; memory is per batch)",
    )
    bf.add_argument(
        "--workers",
        type=int,
        help="parse on a local Dask cluster of N processes (through Prefect's Dask task runner)",
    )
    bf.add_argument("--dask-address", help="parse on an existing Dask cluster (tcp://host:8786)")

    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse views")
    sql.add_argument("query")
    sql.add_argument("--lake")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")

    q = sub.add_parser("quarantine", help="list what runs refused and why")
    q.add_argument("--lake")
    q.add_argument("--run", help="only this run id")

    _add_fetch(sub)

    sv = sub.add_parser("serve", help="run the scheduled Prefect deployments (fetch + ingest)")
    sv.add_argument("--lake")
    sv.add_argument(
        "--settings", help="settings file (TOML): see the README's Fetching and schedules"
    )

    se = sub.add_parser("search", help="rank papers by BM25 over title and abstract (offline)")
    se.add_argument("query")
    se.add_argument("--lake")
    se.add_argument("--since", type=_date, help="papers seen on or after this day")
    se.add_argument("--until", type=_date, help="papers seen on or before this day")
    se.add_argument("--topic", help="only papers with this topic id (see paper_topics)")
    se.add_argument("--limit", type=int, default=10)
    se.add_argument("--format", choices=("table", "csv", "json"), default="table")

    ck = sub.add_parser(
        "check", help="report the lake's health (ledgers, tables, files, marts); changes nothing"
    )
    ck.add_argument("--lake")

    rp = sub.add_parser("report", help="write a self-contained HTML dashboard")
    rp.add_argument("--lake")
    rp.add_argument("--out", type=Path, help="default: <lake>/report.html")

    s = sub.add_parser("samples", help="write deterministic synthetic digests")
    s.add_argument("--days", type=int, default=8)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--start", type=_date, default=date(2026, 11, 16))
    s.add_argument("--per-day", type=int, default=12)
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--rss-categories", default="", help="comma-separated, e.g. cs.AI,cs.CL,cs.LG")
    s.add_argument("--rss-per-weekday", type=int, default=300)
    s.add_argument(
        "--weekly-text", action="store_true", help="a weekly page-text digest every Monday"
    )
    return p


def _progress(console: Console) -> tuple[Progress, Callable[[str, int, int], None]]:
    bar = Progress(
        TextColumn("{task.description:>6}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return bar, update


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    from flows.summary import print_summary
    from pipeline.run import run_ingest
    from pipeline.settings import Settings
    from samples import default_inputs
    from warehouse.lake import LakeBusy

    settings = Settings.build(lake=args.lake, explicit_date=args.date)
    paths = [Path(p) for p in args.paths] or default_inputs(settings.inbox)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]error:[/] no such file or folder: {', '.join(missing)}")
        return EXIT_USAGE
    if not args.no_prefect:
        from pipeline.stages import warm_up_gate_in_background

        # Prefect's temporary server starts in a subprocess (seconds); meanwhile this process is idle,
        # so the seconds-long Great Expectations import happens then instead of after.
        warm_up_gate_in_background()
    bar, update = _progress(console)
    started: list[Any] = []  # the run's report, as soon as it has one
    try:
        with bar:
            if args.no_prefect:
                report = run_ingest(settings, paths, progress=update, report_to=started)
            else:
                from flows.ingest import ingest

                report = ingest(
                    [str(p) for p in paths],
                    lake=settings.lake.location,
                    explicit_date=args.date,
                    progress=update,
                    now=settings.now,
                    report_to=started,
                )
    except LakeBusy as e:
        console.print(f"[red]error:[/] {e}")
        return 1
    except Exception as e:
        failed = getattr(e, "paperdigest_report", None)
        if failed is not None:
            print_summary(failed, console)  # recorded in the ledger; its message says why
            return int(failed.exit_code)
        done = started[0] if started else None
        if done is None or not settings.lake.store.exists(f"runs/{done.run_id}.json"):
            raise
        # the ledger is the commit point: what failed after it (Prefect's API) undoes nothing
        console.print(
            f"[yellow]warning:[/] the run is {done.status}, but Prefect failed after it "
            f"committed ({type(e).__name__}: {e}); its flow run may show as failed"
        )
        print_summary(done, console)
        return int(done.exit_code)
    print_summary(report, console)
    return report.exit_code


def cmd_backfill(args: argparse.Namespace, console: Console) -> int:
    from pipeline.backfill import backfill_apart, plan_batches

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    problem = (
        "no such file or folder: " + ", ".join(missing)
        if missing
        else "--batch-files must be at least 1"
        if args.batch_files < 1
        else "--workers must be at least 1"
        if args.workers is not None and args.workers < 1
        else None
    )
    if problem:
        console.print(f"[red]error:[/] {problem}")
        return EXIT_USAGE
    from warehouse.clock import Clock

    # the clock alone: this process only waits for the batches' processes, and Settings would
    # import the lake's engines into it (their memory counts in the backfill's peak)
    clock = Clock.from_env()
    batches = plan_batches(paths, args.batch_files)
    console.print(f"backfill: {sum(map(len, batches))} files in {len(batches)} batches")
    started = time.perf_counter()

    if args.workers or args.dask_address:
        from flows.backfill import run_on_dask

        where = args.dask_address or f"a local Dask cluster of {args.workers} processes"
        console.print(f"backfill: parsing on {where}; publishing here, in date order")
        reports = run_on_dask(batches, args.lake, args.workers, args.dask_address, clock.now())
    else:
        reports = backfill_apart(args.lake, batches, clock)
    entries = sum(r.entries for r in reports)
    # wall time: the runs' own seconds leave out process starts, warm-ups and the views
    seconds = time.perf_counter() - started
    in_runs = sum(r.seconds for r in reports)
    console.print(
        f"backfill: {len(reports)} runs, {entries} entries in {seconds:.1f} s"
        + (f" ({entries / seconds:.0f} entries/s)" if seconds else "")
        + f", {in_runs:.1f} s of it in the runs"
    )
    if any(r.exit_code == 1 for r in reports):
        return 1
    return 3 if any(r.exit_code == 3 for r in reports) else 0


def _print_rows(cols: list[str], rows: list[Any], fmt: str, console: Console, noun: str) -> None:
    from rich.table import Table

    from warehouse.query import to_csv, to_json

    if fmt == "csv":
        sys.stdout.write(to_csv(cols, rows))
    elif fmt == "json":
        sys.stdout.write(to_json(cols, rows) + "\n")
    else:
        t = Table(*cols)
        for r in rows:
            t.add_row(*("" if v is None else str(v) for v in r))
        console.print(t)
        console.print(f"{len(rows)} {noun}")


def cmd_sql(args: argparse.Namespace, console: Console) -> int:
    from pipeline.settings import Settings
    from warehouse.query import NoWarehouse, QueryFailed, run_query

    lake = Settings.build(lake=args.lake).lake
    try:
        cols, rows = run_query(lake, args.query)
    except NoWarehouse as e:
        console.print(f"[red]error:[/] {e}")
        return 1
    except QueryFailed as e:
        console.print(f"[red]query failed:[/] {e}")
        return 1
    _print_rows(cols, rows, args.format, console, "rows")
    return 0


def cmd_quarantine(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from pipeline.settings import Settings

    lake = Settings.build(lake=args.lake).lake
    df = lake.scan("quarantine").collect()
    if args.run:
        df = df.filter(df["run_id"] == args.run)
    t = Table("run_id", "file", "locator", "reason")
    for r in df.sort("quarantined_at", descending=True).iter_rows(named=True):
        t.add_row(r["run_id"], r["original_name"], r["locator"][:60], r["reason"])
    console.print(t)
    console.print(f"{df.height} quarantine records")
    return 0


def _requests(args: argparse.Namespace, config: Any, today: date) -> list[Any]:
    from sources import catalog

    urls = config.urls
    if args.source == "hf-daily":
        if args.week or args.month:
            return [catalog.hf_daily(urls, week=args.week, month=args.month)]
        return catalog.hf_daily_window(urls, args.date or today, args.days_back)
    if args.source == "hf-search":
        return [catalog.hf_search(urls, args.query)]
    if args.source == "hf-page":
        return [catalog.hf_page(urls, args.date)]
    if args.source == "arxiv-rss":
        return [catalog.arxiv_rss(urls, c) for c in (args.categories or config.arxiv.categories)]
    return [catalog.arxiv_query(urls, args.query, args.max_results)]


def cmd_fetch(args: argparse.Namespace, console: Console) -> int:
    from flows.summary import print_summary
    from pipeline.fetch_then_ingest import fetch_and_ingest
    from pipeline.settings import Settings
    from sources.config import ConfigError, load_config

    try:
        settings = Settings.build(lake=args.lake)
        config = load_config(args.settings)
        requests = _requests(args, config, settings.now.date())
    except (ConfigError, ValueError) as e:
        console.print(f"[red]error:[/] {e}")
        return EXIT_USAGE

    def show(f: Any) -> None:
        if f.error:
            console.print(f"[red]failed[/]  {f.name}: {f.error}")
        elif f.result.not_modified:
            console.print(f"[cyan]304[/]     {f.result.url} unchanged")
        else:
            console.print(
                f"[green]{f.result.status}[/]     {f.result.url} -> {f.name} "
                f"({len(f.result.body or b'')} bytes, {f.result.attempts} attempt(s))"
            )

    report = fetch_and_ingest(
        settings, requests, config.http, ingest=not args.no_ingest, on_done=show
    )
    console.print(
        f"fetched {len(report.fetched)}: {report.new_bodies} bodies, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed"
    )
    if report.inbox_copies:
        console.print(
            f"landed; {len(report.inbox_copies)} copies wait in {settings.inbox} for `paperdigest run`"
        )
    if report.ingest:
        print_summary(report.ingest, console)
    # 1: a request failed or the gate rejected; 3: published with quarantine; 0: all good
    if report.failed or (report.ingest and report.ingest.exit_code == 1):
        return 1
    return report.ingest.exit_code if report.ingest else 0


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    from flows.scheduled import serve
    from pipeline.settings import Settings
    from sources.config import ConfigError, load_config

    try:
        config = load_config(args.settings)
    except ConfigError as e:
        console.print(f"[red]error:[/] {e}")
        return EXIT_USAGE
    lake = Settings.build(lake=args.lake).lake.location
    console.print(
        f"serving hf-daily ({config.hf.schedule}) and arxiv-listings ({config.arxiv.schedule}) into {lake}"
    )
    serve(config, lake)
    return 0


def cmd_search(args: argparse.Namespace, console: Console) -> int:

    from pipeline.settings import Settings
    from warehouse.contracts.taxonomy import TOPIC_IDS
    from warehouse.search import SearchUnavailable, search

    if args.topic and args.topic not in TOPIC_IDS:
        console.print(
            f"[red]error:[/] unknown topic {args.topic!r}; topics: {', '.join(TOPIC_IDS)}"
        )
        return EXIT_USAGE
    lake = Settings.build(lake=args.lake).lake
    try:
        hits = search(
            lake, args.query, since=args.since, until=args.until, topic=args.topic, limit=args.limit
        )
    except (SearchUnavailable, ValueError) as e:
        console.print(f"[red]error:[/] {e}")
        return 1
    cols = ["rank", "paper_id", "title", "score", "first_seen", "last_seen", "max_upvotes"]
    rows = [
        (h.rank, h.paper_id, h.title, h.score, h.first_seen, h.last_seen, h.max_upvotes)
        for h in hits
    ]
    _print_rows(cols, rows, args.format, console, "papers")
    return 0


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from pipeline.settings import Settings
    from warehouse.report import write_report

    settings = Settings.build(lake=args.lake)
    try:
        path = write_report(settings.lake, settings.now, args.out)
    except FileNotFoundError as e:
        console.print(f"[red]error:[/] {e}")
        return 1
    console.print(f"wrote {path}")
    return 0


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from pipeline.settings import Settings
    from warehouse.health import check_lake

    lake = Settings.build(lake=args.lake).lake
    findings = check_lake(lake)
    t = Table("what", "state", "the next run")
    for f in findings:
        t.add_row(f.what, "[green]ok[/]" if f.ok else f"[red]{f.problem}[/]", f.repair)
    console.print(t)
    bad = [f for f in findings if not f.ok]
    console.print(
        f"{lake.location}: healthy"
        if not bad
        else f"{lake.location}: {len(bad)} problem(s), "
        f"{sum(1 for f in bad if f.repair)} of them repaired by the next run"
    )
    return 0 if not bad else 1


def cmd_samples(args: argparse.Namespace, console: Console) -> int:
    from samples.generator import SampleSpec, generate

    if args.days < 1:
        console.print("[red]error:[/] --days must be at least 1")
        return EXIT_USAGE
    spec = SampleSpec(
        days=args.days,
        seed=args.seed,
        start=args.start,
        per_day=args.per_day,
        rss_categories=tuple(c for c in args.rss_categories.split(",") if c),
        rss_per_weekday=args.rss_per_weekday,
        weekly_text=args.weekly_text,
    )
    files = generate(spec, args.out)
    console.print(f"wrote {len(files)} digests to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # Prefect's own INFO lines would bury the run summary; PREFECT_LOGGING_LEVEL overrides this.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # the temporary server's telemetry heartbeat races its own SQLite migration and logs noise
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # a Prefect API that is gone is retried a few times, not for minutes: the run's own
    # outcome is in the lake whatever Prefect's API does
    os.environ.setdefault("PREFECT_CLIENT_MAX_RETRIES", "3")
    os.environ.setdefault("PREFECT_API_REQUEST_TIMEOUT", "30")
    # a first run with a fresh PREFECT_HOME migrates the server's database before it answers:
    # on two cores that can pass Prefect's default wait of 20 s
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    # requests (under Prefect and GX) imports urllib3's SOCKS support, which warns when PySocks
    # is absent, though no SOCKS proxy is in use; Prefect would log it as a warning of the run
    warnings.filterwarnings(
        "ignore", message="SOCKS support in urllib3 requires", module="urllib3.contrib.socks"
    )
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if threading.current_thread() is threading.main_thread():
        from pipeline.lifetime import exit_on_sigterm

        exit_on_sigterm()
    console = Console(soft_wrap=True)
    if not console.is_terminal:
        # piped or logged output: don't wrap paths and queries at a guessed 80 columns
        console = Console(soft_wrap=True, width=160)
    from warehouse.clock import ClockError
    from warehouse.lake import LakeDamaged, LakePathError

    handler = {
        "run": cmd_run,
        "backfill": cmd_backfill,
        "sql": cmd_sql,
        "quarantine": cmd_quarantine,
        "samples": cmd_samples,
        "fetch": cmd_fetch,
        "search": cmd_search,
        "report": cmd_report,
        "check": cmd_check,
        "serve": cmd_serve,
    }[args.command]
    try:
        return handler(args, console)
    except ClockError as e:  # a bad $PAPERDIGEST_NOW
        console.print(f"[red]error:[/] $PAPERDIGEST_NOW: {e}")
        return EXIT_USAGE
    except LakePathError as e:
        console.print(f"[red]error:[/] {e}")
        return EXIT_USAGE
    except LakeDamaged as e:
        console.print(f"[red]error:[/] {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
