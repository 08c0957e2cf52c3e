"""Choosing a digest's date: explicit beats content beats file name beats entries beats landing."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import polars as pl

    from transforms.landing import LandedFile

_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


class DateEvidence(Protocol):
    """What a digest's date is chosen from (``normalize.DigestTable`` has it)."""

    @property
    def content_date(self) -> date | None: ...
    @property
    def content_month_day(self) -> tuple[int, int] | None: ...
    @property
    def listing(self) -> str | None: ...
    @property
    def entries(self) -> pl.DataFrame: ...


def date_in_filename(name: str) -> date | None:
    for m in _FILENAME_DATE.finditer(name):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def resolve_month_day(month: int, day: int, landing: date) -> date | None:
    """The latest year that puts month/day on or before the landing date (Feb 29 included)."""
    for year in range(landing.year, landing.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= landing:
            return candidate
    return None


def nearest_month_day(month: int, day: int, near: date) -> date | None:
    """The month/day closest to ``near`` (the year before, of or after it; Feb 29 included)."""
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - near), default=None)


def choose_digest_date(
    *,
    explicit: date | None,
    content: date | None,
    filename: str,
    entry_dates: list[date],
    landing: date,
    period: bool = False,
) -> tuple[date, str]:
    """Return the digest date and the rule that won (a ``digests.digest_date_source`` value)."""
    if explicit is not None:
        return explicit, "explicit"
    if content is not None:
        return content, "content"
    from_name = date_in_filename(filename)
    if from_name is not None:
        return from_name, "filename"
    if entry_dates:
        if period:
            # a weekly or monthly listing is dated by the first day it covers
            return min(entry_dates), "entries"
        counts = Counter(entry_dates)
        # a daily listing: the day most entries were submitted on (ties: the earliest)
        return min(counts, key=lambda d: (-counts[d], d)), "entries"
    return landing, "landing"


def date_digest(
    landed: LandedFile, digest: DateEvidence, explicit: date | None
) -> tuple[date, str]:
    return digest_date_of(digest, landed.original_name, landed.landed_at.date(), explicit)


def digest_date_of(
    digest: DateEvidence, name: str, landing: date, explicit: date | None = None
) -> tuple[date, str]:
    """The digest's date and the rule that gave it (``choose_digest_date``), for a file of
    that name landed on ``landing``."""
    content = digest.content_date
    if content is None and digest.content_month_day is not None:
        # a yearless date ("Nov 17") takes its year from a dated file name when there is one,
        # so the same file dates the same whenever it is landed; else from the landing day
        named = date_in_filename(name)
        content = (
            nearest_month_day(*digest.content_month_day, named)
            if named
            else resolve_month_day(*digest.content_month_day, landing)
        )
    entry_dates = digest.entries["submitted_date"].drop_nulls().to_list()
    return choose_digest_date(
        explicit=explicit,
        content=content,
        filename=name,
        entry_dates=entry_dates,
        landing=landing,
        period=digest.listing in ("weekly", "monthly"),
    )
