"""The ingest run as plain functions: land, parse, stage, gate, publish. No Prefect in here.

``run_ingest`` wires the stages through ``call`` so the Prefect flow can run each stage as a
(coarse) task while tests and tools call the very same sequence directly.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import polars as pl

from expectations.gate import GateReport, run_gate
from transforms.enrichment import ENRICHMENT_TABLES, EnrichmentMemo, add_enrichments
from transforms.landing import (
    LandedFile,
    TooLarge,
    collect_paths,
    file_sha256,
    identify,
    land_file,
    read_capped,
)
from transforms.normalize import (
    DigestTable,
    ParsedFile,
    Staged,
    batch_keys,
    candidate_papers,
    date_digest,
    published_slice,
    raw_files_rows,
    stage,
)
from transforms.records import ParseError
from transforms.screen import screen
from transforms.sniff import parse
from transforms.text import excerpt, to_utf8
from warehouse.contracts import BY_NAME
from warehouse.health import check_lake
from warehouse.leftovers import sweep
from warehouse.runlog import QuarantineRecord, check_results_frame, quarantine_frame, runs_frame
from warehouse.views import build_views

if TYPE_CHECKING:
    from datetime import datetime

    from expectations.results import CheckResult
    from flows.settings import Settings
    from warehouse.lake import Lake

T = TypeVar("T")
Caller = Callable[..., Any]
Progress = Callable[[str, int, int], None]

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_QUARANTINE = 0, 1, 2, 3
# published, but the views file (and marts) could not be brought to it: readers see the
# previous run until the next run rebuilds them
EXIT_STALE_VIEWS = 4


def crashpoint(settings: Settings, name: str) -> None:
    """Fault injection for the crash-consistency tests: die here, as a power cut would (or
    stall here for a while, so a test can break something around the run)."""
    if settings.crash_at == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if settings.stall_at and settings.stall_at[0] == name:
        time.sleep(settings.stall_at[1])


def direct_call(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return fn(*args, **kwargs)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"


@dataclass
class RunReport:
    run_id: str
    status: str
    exit_code: int
    lake: Path
    files_seen: int = 0
    files_new: int = 0
    files_already: int = 0
    quarantined: list[QuarantineRecord] = field(default_factory=list)
    digests: int = 0
    entries: int = 0
    new_papers: int = 0
    merged_papers: int = 0
    checks: list[CheckResult] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # wall seconds per stage (land, parse, stage, gate, publish, finish), for tuning and the bench
    stage_seconds: dict[str, float] = field(default_factory=dict)
    message: str | None = None

    @property
    def checks_passed(self) -> int:
        return sum(c.success for c in self.checks)

    @property
    def checks_failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "files_seen": self.files_seen,
            "files_new": self.files_new,
            "files_quarantined": self.files_quarantined,
            "digests": self.digests,
            "entries": self.entries,
            "new_papers": self.new_papers,
        }

    @property
    def files_quarantined(self) -> int:
        return len({q.raw_sha256 for q in self.quarantined if q.locator == "file"})


# -- stages ------------------------------------------------------------------------------------


def prepare(lake: Lake) -> list[str]:
    """Undo a crashed run's half-published commits (the views are rebuilt by ``finish``,
    which every run reaches, so views left behind by a crash catch up with this run), and
    remove the temporary files dead writers left."""
    restored = lake.recover()
    removed = sweep(lake.root)
    if removed:
        restored.append(f"removed {len(removed)} temporary files of dead writers")
    return restored


class Landing(NamedTuple):
    new: list[LandedFile]  # files not landed before, one per content
    already: int  # files whose content was landed before
    refused: list[QuarantineRecord]  # files over the input cap: quarantined, never landed


def land(
    paths: Sequence[Path],
    lake: Lake,
    landed_at: datetime,
    progress: Progress = _no_progress,
    max_bytes: int | None = None,
) -> Landing:
    """Land every input. A file landed by an earlier run keeps its one stored copy, whatever
    month this run is in; a file over ``max_bytes`` is refused before it is read whole."""
    files = collect_paths(paths)
    known = dict(lake.scan("raw_files").select("sha256", "raw_path").collect().iter_rows())
    new: dict[str, LandedFile] = {}
    refused: list[QuarantineRecord] = []
    already = 0
    for i, path in enumerate(files, 1):
        try:
            landed = land_file(path, lake.store, landed_at, known, max_bytes)
        except TooLarge as e:
            reason = str(e)
            refused.append(
                QuarantineRecord(file_sha256(path), "file", reason, None, path.name, "unknown")
            )
            progress("land", i, len(files))
            continue
        if landed.sha256 in known or landed.sha256 in new:
            already += 1
        else:
            new[landed.sha256] = landed
        progress("land", i, len(files))
    return Landing(list(new.values()), already, refused)


@dataclass(frozen=True)
class ParseOutcome:
    """What parsing one file gave: a digest and its row problems, or the file's refusal.

    Plain data (the digest as Arrow columns, a refusal as (reason, locator, excerpt)), so it
    crosses process boundaries cheaply: Dask workers or a process parsing ahead parse, the run
    that publishes uses their outcomes.
    """

    digest: DigestTable | None
    problems: list[tuple[str, str, str | None]]  # (reason, locator, excerpt) per bad record
    refusal: tuple[str, str | None] | None = None  # (reason, excerpt): the whole file refused


def parse_one(data: bytes, fmt: str, name: str, max_bytes: int) -> ParseOutcome:
    """Parse one landed file's bytes (pure: no lake, no clock)."""
    if len(data) > max_bytes:  # the stored bytes, before transcoding (UTF-16/32 shrink)
        return ParseOutcome(
            None, [], (f"file of {len(data)} bytes is over the {max_bytes}-byte input cap", None)
        )
    data = to_utf8(data)
    try:
        digest, problems = parse(fmt, data, name)
        problems = problems + screen(digest)
    except ParseError as e:
        return ParseOutcome(None, [], (e.reason, e.excerpt))
    return ParseOutcome(
        DigestTable.of(digest), [(p.reason, p.locator, p.excerpt) for p in problems]
    )


def parse_paths(paths: Sequence[str], max_bytes: int) -> dict[str, ParseOutcome]:
    """Outcomes of input files by content hash (what a Dask worker runs for a batch)."""
    return {sha: outcome for sha, (_, outcome) in _parse_named(paths, max_bytes).items()}


def _parse_named(paths: Sequence[str], max_bytes: int) -> dict[str, tuple[str, ParseOutcome]]:
    """(file name, outcome) of each content hash, the first file of each content."""
    out: dict[str, tuple[str, ParseOutcome]] = {}
    for path in paths:
        try:
            data = read_capped(Path(path), max_bytes)
        except TooLarge:
            continue  # the run refuses it when it lands it
        sha, fmt = identify(data)
        if sha not in out:
            name = Path(path).name
            out[sha] = (name, parse_one(data, fmt, name, max_bytes))
    return out


@dataclass
class ParsedAhead:
    """A batch's work that needs no lake, done ahead (by a helper process or Dask workers):
    its files' parse outcomes by content hash, and the enrichment of the papers they name."""

    outcomes: dict[str, ParseOutcome]
    enrichment: EnrichmentMemo


def parse_ahead(paths: Sequence[str], max_bytes: int) -> ParsedAhead:
    """``parse_paths``, and the enrichments of the papers as the batch alone tells them: most
    papers' merged content is that, so the run enriches only the rest."""
    named = _parse_named(paths, max_bytes)
    digests = [(sha, name, o.digest) for sha, (name, o) in named.items() if o.digest is not None]
    outcomes = {sha: outcome for sha, (_, outcome) in named.items()}
    return ParsedAhead(outcomes, EnrichmentMemo.of(candidate_papers(digests)))


def parse_files(
    files: Sequence[LandedFile],
    lake: Lake,
    settings: Settings,
    progress: Progress = _no_progress,
    outcomes: Mapping[str, ParseOutcome] | None = None,
) -> tuple[list[ParsedFile], list[QuarantineRecord]]:
    """Parse each file (or take its outcome parsed elsewhere); a file that cannot be read is
    quarantined alone and the rest go on."""
    parsed: list[ParsedFile] = []
    refused: list[QuarantineRecord] = []
    for i, f in enumerate(files, 1):
        outcome = (outcomes or {}).get(f.sha256) or parse_one(
            f.read(lake.store), f.format, f.original_name, settings.max_input_bytes
        )
        if outcome.digest is None:
            reason, text = outcome.refusal or ("nothing parsed", None)
            refused.append(
                QuarantineRecord(f.sha256, "file", reason, text, f.original_name, f.format)
            )
        else:
            for reason, locator, text in outcome.problems:
                refused.append(
                    QuarantineRecord(f.sha256, locator, reason, text, f.original_name, f.format)
                )
            day, source = date_digest(f, outcome.digest, settings.explicit_date)
            parsed.append(ParsedFile(f, outcome.digest, day, source))
        progress("parse", i, len(files))
    return parsed, refused


def stage_tables(
    parsed: list[ParsedFile],
    landed: list[LandedFile],
    refused: list[QuarantineRecord],
    lake: Lake,
    run_id: str,
    enrichment: EnrichmentMemo | None = None,
) -> Staged:
    keys, ids, untitled = batch_keys(parsed)
    pub = published_slice(
        lambda keys_of: lake.scan_with_keys("papers", keys_of),
        lake.scan_with_keys("paper_aliases", {"alias_id": keys}),
        keys,
        ids,
        untitled,
    )
    staged = stage(parsed, pub, run_id)
    # published enrichment rows (which a run may have to delete) belong to papers published
    # before it: the run that publishes a paper commits its enrichments. Most of a batch's
    # papers are new, and their lookups would open the newest files of every table for nothing.
    known = pl.concat([pub.papers["paper_id"], pub.aliases["paper_id"]]).implode()
    papers = staged.tables["papers"]["paper_id"]
    enriched_before = [*papers.filter(papers.is_in(known)).to_list(), *staged.retired_ids]
    published_keys = {
        name: lake.scan_with_keys(name, {"paper_id": enriched_before})
        .filter(pl.col("paper_id").is_in(enriched_before))
        .select(BY_NAME[name].key)
        .collect()
        for name in ENRICHMENT_TABLES
    }
    add_enrichments(staged, published_keys, enrichment)
    refused_files = {q.raw_sha256 for q in refused if q.locator == "file"}
    staged.tables = {"raw_files": raw_files_rows(landed, refused_files, run_id), **staged.tables}
    return staged


def gate(staged: Staged, settings: Settings, progress: Progress = _no_progress) -> GateReport:
    names = [n for n, df in staged.tables.items() if df.height or n == "raw_files"]
    done = iter(range(1, len(names) + 1))
    return run_gate(
        staged.tables,
        staged.expected_entries,
        settings.now.date(),
        on_table=lambda n: progress("gate", next(done, len(names)), len(names)),
    )


# tables published at once: each is its own Delta table, and their writes (Parquet encoding,
# Delta commits) run mostly outside the GIL (a 5-year batch's tables: 3.51-3.54 s one at a
# time, 3.23-3.37 s two at a time)
PUBLISH_THREADS = 2


def _publish_order(staged: Staged) -> list[str]:
    """Tables to publish, longest first so the two threads end together: ``papers`` (its
    revisits rewrite files of wide rows), then by staged rows."""
    return sorted(staged.tables, key=lambda n: (n != "papers", -staged.tables[n].height))


def publish(
    staged: Staged, lake: Lake, after_commit: Callable[[str], None] | None = None
) -> dict[str, int | None]:
    """Commit every data table (one Delta commit each, plus one re-point when papers merged),
    ``PUBLISH_THREADS`` tables at a time.

    Their order does not matter: readers pin versions from the run's ledger, written after
    every table, and ``recover`` rolls back whichever committed when a run dies between them.
    A table that fails lets the others finish, then its error is raised.
    """
    run_id = staged.run_id

    def one(name: str) -> int | None:
        rows = staged.tables[name]
        if name == "digest_entries":  # past entries move to their paper's new id first
            lake.repoint(name, "paper_id", staged.repoint, run_id)
        if BY_NAME[name].write_mode == "merge":
            version = lake.upsert(name, rows, run_id, delete_keys=staged.deletes.get(name))
        else:
            version = lake.append(name, rows, run_id)
        if after_commit:
            after_commit(name)
        return version

    with ThreadPoolExecutor(PUBLISH_THREADS) as pool:
        done = {name: pool.submit(one, name) for name in _publish_order(staged)}
    return {name: done[name].result() for name in staged.tables}


def _quarantine_gate_failures(staged: Staged, report: GateReport) -> list[QuarantineRecord]:
    """Offending rows of a rejected run, each tied to the raw file it came from."""
    entries = staged.tables["digest_entries"]
    paper_to_digest = dict(
        entries.group_by("paper_id").agg(pl.col("digest_id").first()).iter_rows()
    )
    names = dict(staged.tables["raw_files"].select("sha256", "original_name").iter_rows())
    formats = dict(staged.tables["raw_files"].select("sha256", "format").iter_rows())
    out: list[QuarantineRecord] = []
    for r in report.results:
        if not r.blocking:
            continue
        keys = r.failed_keys or [{}]
        for key in keys:
            sha = (
                key.get("digest_id")
                or key.get("sha256")
                or paper_to_digest.get(key.get("paper_id", ""))
            )
            shas = [sha] if sha else list(names)
            for s in shas:
                out.append(
                    QuarantineRecord(
                        s,
                        f"{r.table}/{r.check}/{json.dumps(key, default=str, sort_keys=True)}",
                        f"gate check {r.table}.{r.check} failed: {r.observed}",
                        excerpt(json.dumps(r.examples[:1], default=str)) if r.examples else None,
                        names.get(s, ""),
                        formats.get(s, "unknown"),
                    )
                )
    return out


def _damage_named(lake: Lake) -> str:
    """What is damaged in the lake, said by file, after a run failed (engines' own errors
    often name a file only in part)."""
    try:
        bad = [f for f in check_lake(lake) if not f.ok and not f.repair]
    except Exception:
        return ""
    return "".join(f"; {f.what}: {f.problem}" for f in bad[:5])


def finish(
    lake: Lake,
    settings: Settings,
    report: RunReport,
    started: datetime,
    versions: dict[str, int | None],
    inputs: list[dict[str, Any]],
    refresh_outputs: bool = True,
    touched: Collection[str] | None = None,
) -> RunReport:
    """Write the operational tables and the ledger (the commit point), then swap the views.

    ``touched``: the papers the run published rows of; the marts recompute only their scope.

    ``refresh_outputs=False`` (a backfill's batches but its last) leaves views and marts on the
    previous run: readers keep a consistent older snapshot, and rebuilding marts over the whole
    history once per batch would make a backfill quadratic.
    """
    finished = settings.clock.now()
    run_id = report.run_id
    checks = [
        {
            "table_name": c.table,
            "check_name": c.check,
            "success": c.success,
            "severity": c.severity,
            "observed": c.observed,
            "n_failed": c.n_failed,
        }
        for c in report.checks
    ]
    previous = lake.pinned_versions()
    all_versions = {**previous, **versions}
    crashpoint(settings, "before-ops-tables")
    all_versions["quarantine"] = lake.append(
        "quarantine", quarantine_frame(run_id, report.quarantined, finished), run_id
    )
    all_versions["check_results"] = lake.append(
        "check_results", check_results_frame(run_id, checks), run_id
    )
    all_versions["runs"] = lake.append(
        "runs",
        runs_frame(
            {
                "run_id": run_id,
                "started_at": started,
                "finished_at": finished,
                "status": report.status,
                **report.counts,
                "checks_passed": report.checks_passed,
                "checks_failed": len(report.checks_failed),
                "code_version": settings.code_version,
                "message": report.message,
            }
        ),
        run_id,
    )
    if report.quarantined:
        payload = [q.__dict__ for q in report.quarantined]
        lake.store.write(
            lake.quarantine_key(run_id, "quarantine.json"),
            json.dumps(payload, indent=1, default=str).encode(),
        )
        if report.status == "rejected":
            failed = [
                {"table": c.table, "check": c.check, "observed": c.observed, "examples": c.examples}
                for c in report.checks_failed
            ]
            lake.store.write(
                lake.quarantine_key(run_id, "gate.json"),
                json.dumps(failed, indent=1, default=str).encode(),
            )
    crashpoint(settings, "before-ledger")
    lake.write_ledger(
        {
            "run_id": run_id,
            "status": report.status,
            "started_at": started.isoformat(),
            "finished_at": finished.isoformat(),
            "code_version": settings.code_version,
            "table_versions": all_versions,
            "inputs": inputs,
            "counts": report.counts,
            "checks": checks,
            "message": report.message,
        }
    )
    crashpoint(settings, "after-ledger")
    if refresh_outputs:
        try:
            build_views(
                lake,
                all_versions,
                run_id,
                previous,
                touched,
                settings.mart_grace_s,
                lambda step: crashpoint(settings, step),
            )
        except Exception as e:
            # the ledger is the commit point: the run stands, only its views lag behind
            if report.status not in ("published", "noop"):
                raise
            report.exit_code = EXIT_STALE_VIEWS
            report.message = (
                f"{report.status}, but the views file could not be rebuilt "
                f"({type(e).__name__}: {e}); readers see the previous run until the next run, "
                "which rebuilds it"
            )
            return report
        crashpoint(settings, "after-views")
    return report


def refresh_views_and_marts(settings: Settings) -> None:
    """Views and marts on the newest published state (after a backfill's deferred batches)."""
    lake = settings.lake
    with lake.locked(settings.lock_wait_s):
        ledger = lake.latest_ledger()
        if ledger:
            build_views(
                lake, lake.pinned_versions(), ledger["run_id"], mart_grace_s=settings.mart_grace_s
            )


def run_ingest(
    settings: Settings,
    paths: Sequence[Path],
    call: Caller = direct_call,
    progress: Progress = _no_progress,
    refresh_outputs: bool = True,
    ahead: ParsedAhead | None = None,
    report_to: list[RunReport] | None = None,
) -> RunReport:
    """One whole run under the lake lock. Exit codes: 0 ok/noop, 1 rejected, 3 published with
    quarantine, 4 published with the views behind.

    ``report_to`` gets the run's report as soon as there is one, so a caller whose wiring
    fails after the ledger (Prefect's API gone) can still tell what the run did."""
    lake = settings.lake
    t0 = time.perf_counter()
    started = settings.now
    run_id = new_run_id(started)
    stage_seconds: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        t = time.perf_counter()
        try:
            return call(name, fn, *args, **kwargs)  # type: ignore[no-any-return]
        finally:
            stage_seconds[name] = round(time.perf_counter() - t, 3)

    with lake.locked(settings.lock_wait_s):
        restored = timed("prepare", prepare, lake)
        crashpoint(settings, "after-prepare")
        report = RunReport(
            run_id=run_id,
            status="noop",
            exit_code=EXIT_OK,
            lake=lake.root,
            restored=restored,
            stage_seconds=stage_seconds,
        )
        if report_to is not None:
            report_to.append(report)
        landed, already, too_large = timed(
            "land", land, list(paths), lake, started, progress, settings.max_input_bytes
        )
        crashpoint(settings, "after-land")
        report.files_new, report.files_already = len(landed), already
        report.files_seen = len(landed) + already + len(too_large)
        report.quarantined = list(too_large)
        inputs = [
            {
                "sha256": f.sha256,
                "name": f.original_name,
                "format": f.format,
                "raw_path": f.raw_path,
            }
            for f in landed
        ]
        versions: dict[str, int | None] = {}
        touched: set[str] = set()
        try:
            if landed:
                parsed, refused = timed(
                    "parse",
                    parse_files,
                    landed,
                    lake,
                    settings,
                    progress,
                    ahead.outcomes if ahead else None,
                )
                crashpoint(settings, "after-parse")
                refused = too_large + refused
                report.quarantined = refused
                staged = timed(
                    "stage",
                    stage_tables,
                    parsed,
                    landed,
                    refused,
                    lake,
                    run_id,
                    ahead.enrichment if ahead else None,
                )
                gate_report = timed("gate", gate, staged, settings, progress)
                crashpoint(settings, "after-gate")
                report.checks = gate_report.results
                if gate_report.passed:
                    versions = timed(
                        "publish",
                        publish,
                        staged,
                        lake,
                        lambda t: crashpoint(settings, f"after-commit:{t}"),
                    )
                    report.status = "published"
                    touched = staged.touched_papers()
                    report.digests = staged.tables["digests"].height
                    report.entries = staged.tables["digest_entries"].height
                    report.new_papers = staged.new_papers
                    report.merged_papers = staged.merged_papers
                    report.exit_code = EXIT_QUARANTINE if refused else EXIT_OK
                else:
                    report.status = "rejected"
                    report.exit_code = EXIT_REJECTED
                    blocking = [f"{c.table}.{c.check}" for c in gate_report.results if c.blocking]
                    report.message = "gate failed: " + ", ".join(blocking)
                    report.quarantined = refused + _quarantine_gate_failures(staged, gate_report)
        except Exception as exc:
            # roll back whatever this run committed, record the failure, and let it propagate
            report.status, report.exit_code = "failed", EXIT_REJECTED
            report.message = f"{type(exc).__name__}: {exc}" + _damage_named(lake)
            lake.recover()
            report.seconds = time.perf_counter() - t0
            finish(lake, settings, report, started, {}, inputs)
            exc.paperdigest_report = report  # type: ignore[attr-defined]
            raise
        if report.status == "noop" and too_large:
            report.exit_code = EXIT_QUARANTINE
        report.seconds = time.perf_counter() - t0
        timed(
            "finish",
            finish,
            lake,
            settings,
            report,
            started,
            versions,
            inputs,
            refresh_outputs,
            touched,
        )
    report.seconds = time.perf_counter() - t0
    return report
