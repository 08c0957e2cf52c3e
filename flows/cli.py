"""The ``paperdigest`` command: its arguments and its entry point (the commands are
``flows/commands.py``)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from pipeline.report import EXIT_USAGE

if TYPE_CHECKING:
    from collections.abc import Sequence


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


def _watch_parser(sub: Any) -> None:
    wa = sub.add_parser("watch", help="saved queries: add, list, show and remove watches")
    wsub = wa.add_subparsers(dest="watch_command", required=True)
    add = wsub.add_parser("add", help="add a watch (conditions AND-ed; at least one)")
    add.add_argument("name")
    add.add_argument("--query", help="BM25 query over title and abstract, as `search`")
    add.add_argument("--topic", help="a topic id (see paper_topics)")
    add.add_argument("--author", help="part of an author's name, any case")
    add.add_argument("--term", help="a key phrase (see paper_terms)")
    add.add_argument("--category", help="an arXiv category, e.g. cs.CL")
    add.add_argument("--min-upvotes", type=int, help="at least this many upvotes")
    add.add_argument(
        "--rising", action="store_true", help="only papers carrying a term rising that week"
    )
    wsub.add_parser("list", help="the active watches and their hits")
    show = wsub.add_parser("show", help="a watch's hits, newest first")
    show.add_argument("name")
    show.add_argument("--since", type=_date, help="hits matched on or after this day")
    show.add_argument("--format", choices=("table", "csv", "json"), default="table")
    rm = wsub.add_parser("rm", help="remove a watch (its hits stay, as history)")
    rm.add_argument("name")
    for p in (add, wsub.choices["list"], show, rm):
        p.add_argument("--lake")


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

    re_ = sub.add_parser(
        "reenrich",
        help="recompute published papers' key phrases, topics, links and mentions (after an "
        "upgrade changed them), in gated runs",
    )
    re_.add_argument("--lake")
    re_.add_argument("--batch-papers", type=int, default=50_000, help="papers per run")

    _watch_parser(sub)

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
    from flows import commands
    from warehouse.clock import ClockError
    from warehouse.lake import LakeDamaged, LakePathError

    handler = {
        "run": commands.cmd_run,
        "backfill": commands.cmd_backfill,
        "sql": commands.cmd_sql,
        "quarantine": commands.cmd_quarantine,
        "samples": commands.cmd_samples,
        "fetch": commands.cmd_fetch,
        "search": commands.cmd_search,
        "report": commands.cmd_report,
        "reenrich": commands.cmd_reenrich,
        "watch": commands.cmd_watch,
        "check": commands.cmd_check,
        "serve": commands.cmd_serve,
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
