"""Parser for arXiv RSS 2.0 category listings (rss.arxiv.org).

``announce_type`` replace / replace-cross is a new version of a known paper, not a new paper:
the id (without version) keys it, and the entry records the announce type.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

from transforms.digest_records import Entry, ParsedDigest, ParseError
from transforms.identity import split_arxiv_id
from transforms.safe_xml import parse_xml, text_of
from transforms.text import excerpt, fix_mojibake, has_mojibake, unwrap

FORMAT = "arxiv_rss"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*(?P<abstract>.*))?$",
    re.S,
)

_AUTHOR_BREAK = re.compile(r",\s*|\s+and\s+")


def looks_like(head: bytes) -> bool:
    return b"<rss" in head and b"arxiv" in head.lower()


def _authors(value: str | None) -> list[str]:
    if not value:
        return []
    # dc:creator joins authors with commas; a final "and" may join the last two
    text = unwrap(value)
    names = [name for p in _AUTHOR_BREAK.split(text) if (name := p.strip())]
    # each name apart: one name's mojibake is undone even where another's is not
    return [fix_mojibake(n) for n in names] if has_mojibake(text) else names


def parse(data: bytes, name: str = "") -> tuple[ParsedDigest, list[ParseError]]:
    root = parse_xml(data)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ParseError(f"not an RSS 2.0 feed: root element is {root.tag!r}", locator="xml:/")
    day = None
    pub = text_of(channel.find("pubDate")) or text_of(channel.find("lastBuildDate"))
    if pub:
        try:
            day = parsedate_to_datetime(pub).date()
        except (TypeError, ValueError):
            day = None
    entries: list[Entry] = []
    problems: list[ParseError] = []
    for i, item in enumerate(channel.findall("item"), start=1):
        guid = (text_of(item.find("guid")) or "").strip()
        desc = text_of(item.find("description")) or ""
        m = _DESCRIPTION.match(desc)
        raw_id = guid.removeprefix("oai:arXiv.org:") if guid else (m.group("id") if m else "")
        ids = split_arxiv_id(raw_id)
        title = fix_mojibake(unwrap(text_of(item.find("title")) or ""))
        if ids is None or not title:
            problems.append(
                ParseError(
                    "item without an arXiv id or title",
                    locator=f"xml:/rss/channel/item[{i}]",
                    excerpt=excerpt(guid or title),
                )
            )
            continue
        announce = (
            text_of(item.find(f"{ARXIV}announce_type")) or (m.group("type") if m else "") or ""
        ).strip()
        abstract = m.group("abstract") if m else desc
        categories = [c.text.strip() for c in item.findall("category") if c.text]
        entries.append(
            Entry(
                title=title,
                abstract=unwrap(abstract) or None if abstract else None,
                arxiv_id=ids[0],
                arxiv_version=ids[1],
                authors=_authors(text_of(item.find(f"{DC}creator"))),
                categories=categories,
                primary_category=categories[0] if categories else None,
                announce_type=announce or None,
                submitted_date=day,
            )
        )
    return ParsedDigest(
        format=FORMAT, listing="arxiv_listing", entries=entries, content_date=day
    ), problems
