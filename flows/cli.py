"""The ``paperdigest`` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

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

    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse views")
    sql.add_argument("query")
    sql.add_argument("--lake")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")

    q = sub.add_parser("quarantine", help="list what runs refused and why")
    q.add_argument("--lake")
    q.add_argument("--run", help="only this run id")

    s = sub.add_parser("samples", help="write deterministic synthetic digests")
    s.add_argument("--days", type=int, default=8)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--start", type=_date, default=date(2026, 11, 16))
    s.add_argument("--per-day", type=int, default=12)
    s.add_argument("--out", required=True, type=Path)
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
    from flows.pipeline import run_ingest
    from flows.settings import Settings, default_inputs
    from flows.summary import print_summary
    from warehouse.lake import LakeBusy

    settings = Settings.build(lake=args.lake, explicit_date=args.date)
    paths = [Path(p) for p in args.paths] or default_inputs(settings)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]error:[/] no such file or folder: {', '.join(missing)}")
        return EXIT_USAGE
    if not args.no_prefect:
        # Prefect's temporary server starts in a subprocess (~10 s); meanwhile this process is idle,
        # so the seconds-long Great Expectations import happens then instead of after.
        from expectations.suites import warm_up

        threading.Thread(target=warm_up, name="gx-warm-up", daemon=True).start()
    bar, update = _progress(console)
    try:
        with bar:
            if args.no_prefect:
                report = run_ingest(settings, paths, progress=update)
            else:
                from flows.ingest import ingest

                report = ingest(
                    [str(p) for p in paths],
                    lake=str(settings.lake.root),
                    explicit_date=args.date,
                    progress=update,
                )
    except LakeBusy as e:
        console.print(f"[red]error:[/] {e}")
        return 1
    print_summary(report, console)
    return report.exit_code


def cmd_sql(args: argparse.Namespace, console: Console) -> int:
    import duckdb
    from rich.table import Table

    from flows.settings import Settings
    from warehouse.query import NoWarehouse, run_query, to_csv, to_json

    lake = Settings.build(lake=args.lake).lake
    try:
        cols, rows = run_query(lake, args.query)
    except NoWarehouse as e:
        console.print(f"[red]error:[/] {e}")
        return 1
    except duckdb.Error as e:
        console.print(f"[red]query failed:[/] {e}")
        return 1
    if args.format == "csv":
        sys.stdout.write(to_csv(cols, rows))
    elif args.format == "json":
        sys.stdout.write(to_json(cols, rows) + "\n")
    else:
        t = Table(*cols)
        for r in rows:
            t.add_row(*("" if v is None else str(v) for v in r))
        console.print(t)
        console.print(f"{len(rows)} rows")
    return 0


def cmd_quarantine(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from flows.settings import Settings

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


def cmd_samples(args: argparse.Namespace, console: Console) -> int:
    from transforms.samplegen import SampleSpec, generate

    if args.days < 1:
        console.print("[red]error:[/] --days must be at least 1")
        return EXIT_USAGE
    files = generate(
        SampleSpec(days=args.days, seed=args.seed, start=args.start, per_day=args.per_day), args.out
    )
    console.print(f"wrote {len(files)} digests to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # Prefect's own INFO lines would bury the run summary; PREFECT_LOGGING_LEVEL overrides this.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # the temporary server's telemetry heartbeat races its own SQLite migration and logs noise
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    console = Console(soft_wrap=True)
    if not console.is_terminal:
        # piped or logged output: don't wrap paths and queries at a guessed 80 columns
        console = Console(soft_wrap=True, width=160)
    handler = {
        "run": cmd_run,
        "sql": cmd_sql,
        "quarantine": cmd_quarantine,
        "samples": cmd_samples,
    }[args.command]
    return handler(args, console)


if __name__ == "__main__":
    sys.exit(main())
