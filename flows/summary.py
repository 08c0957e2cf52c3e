"""What a person sees at the end of a run: a summary table, failing checks with examples."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

    from pipeline.report import RunReport


def print_summary(report: RunReport, console: Console) -> None:
    status_style = {"published": "green", "noop": "cyan", "rejected": "red", "failed": "red"}[
        report.status
    ]
    if report.exit_code == 4:
        status_style = "yellow"
    t = Table(title=f"paperdigest run {report.run_id}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    t.add_row("status", f"[{status_style}]{report.status}[/] (exit {report.exit_code})")
    t.add_row(
        "files",
        f"{report.files_seen} seen, {report.files_new} new, {report.files_already} already landed, "
        f"{report.files_quarantined} quarantined",
    )
    t.add_row(
        "published",
        f"{report.digests} digests, {report.entries} entries, {report.new_papers} new papers"
        + (f", {report.merged_papers} title-only papers merged" if report.merged_papers else ""),
    )
    t.add_row("checks", f"{report.checks_passed} passed, {len(report.checks_failed)} failed")
    if report.restored:
        t.add_row("recovered", "; ".join(report.restored))
    t.add_row("time", f"{report.seconds:.1f} s")
    t.add_row("warehouse", str(report.lake / "warehouse.duckdb"))
    console.print(t)
    if report.message:
        console.print(f"[yellow]note:[/] {report.message}")
    for q in report.quarantined[:20]:
        console.print(
            f"[yellow]quarantined[/] {q.original_name or q.raw_sha256[:12]} @ {q.locator}: {q.reason}"
        )
    if len(report.quarantined) > 20:
        console.print(
            f"... and {len(report.quarantined) - 20} more (paperdigest quarantine --run {report.run_id})"
        )
    for c in report.checks_failed:
        console.print(f"[red]check failed[/] {c.table}.{c.check} ({c.severity}): {c.observed}")
        for ex in c.examples[:3]:
            console.print(f"    e.g. {json.dumps(ex, default=str)[:300]}")
    if report.status in ("published", "noop"):
        from warehouse.query import example_query

        console.print(f'try: paperdigest sql "{example_query()}"')
        console.print(f"  or: cd '{report.lake}' && duckdb warehouse.duckdb")
