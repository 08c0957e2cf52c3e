"""What each ``paperdigest`` command does: wiring the plain functions of ``pipeline/`` and
``warehouse/`` to the console."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from pipeline.report import EXIT_USAGE

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from datetime import date

    from rich.console import Console


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
        from flows.dask_backfill import run_on_dask

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


def cmd_reenrich(args: argparse.Namespace, console: Console) -> int:
    from pipeline.reenrich import reenrich
    from pipeline.settings import Settings

    if args.batch_papers < 1:
        console.print("[red]error:[/] --batch-papers must be at least 1")
        return EXIT_USAGE

    def line(i: int, n: int, r: Any) -> None:
        console.print(f"  batch {i}/{n}: {r.status}, {r.message}, {r.seconds:.1f} s")

    reports = reenrich(Settings.build(lake=args.lake), args.batch_papers, on_batch=line)
    last = reports[-1]
    console.print(f"re-enrich: {len(reports)} runs, the last {last.status}: {last.message}")
    return last.exit_code


def cmd_watch(args: argparse.Namespace, console: Console) -> int:
    from pipeline.settings import Settings
    from warehouse.query import NoWarehouse
    from warehouse.watches import WatchError

    settings = Settings.build(lake=args.lake)
    try:
        if args.watch_command == "add":
            return _watch_add(args, settings, console)
        if args.watch_command == "rm":
            from pipeline.watch_runs import remove_watch

            report = remove_watch(settings, args.name)
            console.print(f"{report.status}: {report.message}")
            return report.exit_code
        if args.watch_command == "list":
            return _watch_list(settings, console)
        return _watch_show(args, settings, console)
    except WatchError as e:
        console.print(f"[red]error:[/] {e}")
        return EXIT_USAGE
    except NoWarehouse as e:
        console.print(f"[red]error:[/] {e}")
        return 1


def _watch_add(args: argparse.Namespace, settings: Any, console: Console) -> int:
    from pipeline.watch_runs import add_watch
    from warehouse.watches import Watch

    watch = Watch(
        args.name,
        query=args.query,
        topic=args.topic,
        author=args.author,
        term=args.term,
        category=args.category,
        min_upvotes=args.min_upvotes,
        rising=args.rising,
    )
    report = add_watch(settings, watch)
    console.print(f"{report.status}: {report.message}")
    for c in report.checks_failed:
        console.print(f"  [red]{c.table}.{c.check}[/]: {c.observed}")
    return report.exit_code


def _watch_list(settings: Any, console: Console) -> int:
    from warehouse.query import run_query
    from warehouse.watches import sql_text

    cols, rows = run_query(settings.lake, sql_text("list"))
    _print_rows(cols, rows, "table", console, "watches")
    return 0


def _watch_show(args: argparse.Namespace, settings: Any, console: Console) -> int:
    from warehouse.query import run_query
    from warehouse.watches import WatchError, sql_text

    cols, rows = run_query(settings.lake, sql_text("show"), [args.name, args.since])
    if not rows and not run_query(settings.lake, sql_text("known"), [args.name])[1]:
        raise WatchError(f"no watch named {args.name!r}")
    _print_rows(cols, rows, args.format, console, "hits")
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
