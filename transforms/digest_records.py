"""Plain records the parsers produce: what one digest file says, before any identity or merge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date


class ParseError(Exception):
    """The file cannot be read as its format; ``locator`` says where (byte offset, JSON path)."""

    def __init__(self, reason: str, locator: str = "file", excerpt: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.locator = locator
        self.excerpt = excerpt


@dataclass
class Entry:
    """One paper as one digest shows it."""

    title: str
    abstract: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    authors: list[str] = field(default_factory=list)
    published_date: date | None = None
    submitted_date: date | None = None
    upvotes: int | None = None
    num_comments: int | None = None
    github_stars: int | None = None
    github_repo: str | None = None
    project_page: str | None = None
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    ai_summary: str | None = None
    # one per author, "" when unknown (arXiv API gives affiliations)
    affiliations: list[str] = field(default_factory=list)
    primary_category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    # arXiv RSS: new, cross, replace, replace-cross
    announce_type: str | None = None


@dataclass
class ParsedDigest:
    format: str
    listing: str
    entries: list[Entry]
    # a date printed in the content itself (may be partial, see ``content_month_day``)
    content_date: date | None = None
    # "Mar 11" with no year: resolved against the landing date later
    content_month_day: tuple[int, int] | None = None
