"""The stages of a run between parsing and the ledger: prepare, land, stage, gate, publish."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from expectations.gate import GateReport, run_gate
from pipeline.near_titles import near_title_matches
from pipeline.progress import Progress, no_progress
from transforms.enrichment import ENRICHMENT_TABLES, add_enrichments
from transforms.landing import LandedFile, TooLarge, collect_paths, file_sha256, land_file
from transforms.normalize import (
    DatedFile,
    Staged,
    batch_keys,
    published_slice,
    raw_files_rows,
    stage,
)
from transforms.text import excerpt
from warehouse.contracts import BY_NAME
from warehouse.health import check_lake
from warehouse.leftovers import sweep
from warehouse.runlog import QuarantineRecord

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime
    from pathlib import Path

    from pipeline.settings import Settings
    from transforms.enrichment import EnrichmentMemo
    from warehouse.lake import Lake


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
    progress: Progress = no_progress,
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


def stage_tables(
    parsed: list[DatedFile],
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
        near=near_title_matches(parsed, lake, untitled),
    )
    staged = stage(parsed, pub, run_id)
    # published enrichment rows (which a run may have to delete) belong to papers published
    # before it: the run that publishes a paper commits its enrichments. Most of a batch's
    # papers are new, and their lookups would open the newest files of every table for nothing.
    known = pl.concat([pub.papers["paper_id"], pub.aliases["paper_id"]]).implode()
    papers = staged.tables["papers"]["paper_id"]
    enriched_before = [*papers.filter(papers.is_in(known)).to_list(), *staged.retired_ids]
    published_keys = enrichment_keys(lake, enriched_before)
    add_enrichments(staged.tables, staged.deletes, published_keys, enrichment)
    refused_files = {q.raw_sha256 for q in refused if q.locator == "file"}
    staged.tables = {"raw_files": raw_files_rows(landed, refused_files, run_id), **staged.tables}
    return staged


def enrichment_keys(lake: Lake, paper_ids: list[str]) -> dict[str, pl.DataFrame]:
    """Each enrichment table's published keys of ``paper_ids`` (from the files holding them)."""
    return {
        name: lake.scan_with_keys(name, {"paper_id": paper_ids})
        .filter(pl.col("paper_id").is_in(paper_ids))
        .select(BY_NAME[name].key)
        .collect()
        for name in ENRICHMENT_TABLES
    }


def warm_up_gate_in_background() -> None:
    """Build GX's context and every suite on a thread, while the caller waits on something else
    (Prefect's server starting): the gate then starts at once."""
    from expectations.suites import warm_up

    threading.Thread(target=warm_up, name="gx-warm-up", daemon=True).start()


def gate(staged: Staged, settings: Settings, progress: Progress = no_progress) -> GateReport:
    names = [n for n, df in staged.tables.items() if df.height or n == "raw_files"]
    done = iter(range(1, len(names) + 1))
    return run_gate(
        staged.tables,
        staged.expected_entries,
        settings.now.date(),
        on_table=lambda n: progress("gate", next(done, len(names)), len(names)),
    )


# tables published at once: each is its own Delta table, and their writes (Parquet encoding,
# Delta commits) run mostly outside the GIL
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


def quarantine_gate_failures(staged: Staged, report: GateReport) -> list[QuarantineRecord]:
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


def damage_named(lake: Lake) -> str:
    """What is damaged in the lake, said by file, after a run failed (engines' own errors
    often name a file only in part)."""
    try:
        bad = [f for f in check_lake(lake) if not f.ok and not f.repair]
    except Exception:
        return ""
    return "".join(f"; {f.what}: {f.problem}" for f in bad[:5])
