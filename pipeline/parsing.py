"""Parsing a run's files: in the run, or ahead of it in another process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.progress import Progress, no_progress
from transforms.dates import date_digest
from transforms.digest_records import ParseError
from transforms.enrichment import EnrichmentMemo
from transforms.landing import TooLarge, identify, read_capped
from transforms.normalize import DatedFile, DigestTable, candidate_papers
from transforms.screen import screen
from transforms.sniff import parse
from transforms.text import to_utf8
from warehouse.runlog import QuarantineRecord

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pipeline.settings import Settings
    from transforms.landing import LandedFile
    from warehouse.lake import Lake


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
class BatchAhead:
    """A batch's work that needs no lake, done ahead (by a helper process or Dask workers):
    its files' parse outcomes by content hash, and the enrichment of the papers they name."""

    outcomes: dict[str, ParseOutcome]
    enrichment: EnrichmentMemo


def parse_ahead(paths: Sequence[str], max_bytes: int) -> BatchAhead:
    """``parse_paths``, and the enrichments of the papers as the batch alone tells them: most
    papers' merged content is that, so the run enriches only the rest."""
    named = _parse_named(paths, max_bytes)
    digests = [(sha, name, o.digest) for sha, (name, o) in named.items() if o.digest is not None]
    outcomes = {sha: outcome for sha, (_, outcome) in named.items()}
    return BatchAhead(outcomes, EnrichmentMemo.of(candidate_papers(digests)))


def parse_files(
    files: Sequence[LandedFile],
    lake: Lake,
    settings: Settings,
    progress: Progress = no_progress,
    outcomes: Mapping[str, ParseOutcome] | None = None,
) -> tuple[list[DatedFile], list[QuarantineRecord]]:
    """Parse each file (or take its outcome parsed elsewhere); a file that cannot be read is
    quarantined alone and the rest go on."""
    parsed: list[DatedFile] = []
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
            parsed.append(DatedFile(f, outcome.digest, day, source))
        progress("parse", i, len(files))
    return parsed, refused
