"""Parser for arXiv API Atom feeds, the legacy (2016) and current (2026) layouts.

The body of an HTTP 400 is a feed with one entry titled ``Error``: an error, never a paper.
``totalResults 0`` is an empty listing, which is valid.
"""

from __future__ import annotations

from datetime import date

from transforms.digest_records import Entry, ParsedDigest, ParseError
from transforms.identity import split_arxiv_id
from transforms.safe_xml import parse_xml, text_of
from transforms.text import excerpt, fix_mojibake, unwrap

FORMAT = "arxiv_atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def looks_like(head: bytes) -> bool:
    return b"http://www.w3.org/2005/Atom" in head and b"<feed" in head


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10]) if value else None
    except ValueError:
        return None


def _clean(value: str | None) -> str | None:
    return fix_mojibake(unwrap(value)) or None if value else None


def parse(data: bytes, name: str = "") -> tuple[ParsedDigest, list[ParseError]]:
    root = parse_xml(data)
    if root.tag != f"{ATOM}feed":
        raise ParseError(f"not an Atom feed: root element is {root.tag!r}", locator="xml:/")
    entries_el = root.findall(f"{ATOM}entry")
    if (
        len(entries_el) == 1
        and (text_of(entries_el[0].find(f"{ATOM}title")) or "").strip() == "Error"
    ):
        el = entries_el[0]
        message = _clean(text_of(el.find(f"{ATOM}summary"))) or "no message"
        raise ParseError(
            f"arXiv API error response: {message}",
            locator="xml:/feed/entry[1]",
            excerpt=excerpt(text_of(el.find(f"{ATOM}id")) or ""),
        )
    entries: list[Entry] = []
    problems: list[ParseError] = []
    for i, el in enumerate(entries_el, start=1):
        raw_id = (text_of(el.find(f"{ATOM}id")) or "").strip()
        ids = split_arxiv_id(raw_id.rsplit("/abs/", 1)[-1]) if "/abs/" in raw_id else None
        title = _clean(text_of(el.find(f"{ATOM}title")))
        if not title or ids is None:
            problems.append(
                ParseError(
                    f"entry without {'a title' if not title else 'an arXiv id'}",
                    locator=f"xml:/feed/entry[{i}]",
                    excerpt=excerpt(raw_id),
                )
            )
            continue
        authors, affiliations = [], []
        for a in el.findall(f"{ATOM}author"):
            author = _clean(text_of(a.find(f"{ATOM}name")))
            if author:
                authors.append(author)
                affs = [_clean(text_of(x)) for x in a.findall(f"{ARXIV}affiliation")]
                affiliations.append("; ".join(x for x in affs if x))
        primary = el.find(f"{ARXIV}primary_category")
        entries.append(
            Entry(
                title=title,
                abstract=_clean(text_of(el.find(f"{ATOM}summary"))),
                arxiv_id=ids[0],
                arxiv_version=ids[1],
                authors=authors,
                affiliations=affiliations,
                published_date=_date(text_of(el.find(f"{ATOM}published"))),
                categories=[
                    c.get("term", "") for c in el.findall(f"{ATOM}category") if c.get("term")
                ],
                primary_category=primary.get("term") if primary is not None else None,
                doi=_clean(text_of(el.find(f"{ARXIV}doi"))),
                journal_ref=_clean(text_of(el.find(f"{ARXIV}journal_ref"))),
                comment=_clean(text_of(el.find(f"{ARXIV}comment"))),
            )
        )
    total = text_of(root.find(f"{OPENSEARCH}totalResults"))
    if entries_el and not entries:
        raise ParseError(
            f"no readable entry among {len(entries_el)}; first: {problems[0].reason}",
            problems[0].locator,
        )
    if not entries_el and total not in (None, "0"):
        raise ParseError(f"feed says totalResults {total} but holds no entry", locator="xml:/feed")
    return ParsedDigest(
        format=FORMAT,
        listing="arxiv_query",
        entries=entries,
        content_date=_date(text_of(root.find(f"{ATOM}updated"))),
    ), problems
