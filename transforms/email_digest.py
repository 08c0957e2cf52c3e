"""Parser for digest e-mails (.eml files, also the files of a maildir folder).

The text/html part (else text/plain) is handed to the parser that fits it. A digest mail that
is not a saved page lists papers as links: ``huggingface.co/papers/<id>`` and
``arxiv.org/abs/<id>`` links give the ids, their anchor text the titles.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from selectolax.lexbor import LexborHTMLParser

from transforms import hf_page_html, hf_page_text
from transforms.digest_records import Entry, ParsedDigest, ParseError
from transforms.identity import split_arxiv_id
from transforms.text import excerpt, unwrap

FORMAT = "email"
_HEADER = re.compile(
    rb"^(?:From |Return-Path:|Received:|Delivered-To:|Message-ID:|MIME-Version:|From:|To:|Subject:|Date:)",
    re.IGNORECASE,
)
_PAPER_LINK = re.compile(
    r"(?:huggingface\.co/papers/|arxiv\.org/(?:abs|pdf)/)((?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)"
)
_WEAK_ANCHORS = {
    "read more",
    "read",
    "view",
    "paper",
    "pdf",
    "abs",
    "link",
    "here",
    "arxiv",
    "hugging face",
}


def looks_like(data: bytes) -> bool:
    head = data.lstrip()[:2048]
    if not _HEADER.match(head):
        return False
    lines = head.split(b"\n", 30)
    return sum(1 for line in lines if re.match(rb"^[A-Za-z-]+: ", line)) >= 2


def _entries_from_links(pairs: list[tuple[str, str]]) -> list[Entry]:
    """(url, anchor text) pairs -> one entry per paper id, in order, with the best anchor as title."""
    order: list[str] = []
    titles: dict[str, str] = {}
    versions: dict[str, int | None] = {}
    for url, anchor in pairs:
        m = _PAPER_LINK.search(url)
        ids = split_arxiv_id(m.group(1)) if m else None
        if ids is None:
            continue
        pid = ids[0]
        if pid not in titles:
            order.append(pid)
            titles[pid] = ""
            versions[pid] = ids[1]
        text = unwrap(anchor)
        if (
            text.casefold() not in _WEAK_ANCHORS
            and not _PAPER_LINK.search(text)
            and len(text) > len(titles[pid])
        ):
            titles[pid] = text
    return [
        Entry(title=titles[p] or f"arXiv:{p}", arxiv_id=p, arxiv_version=versions[p]) for p in order
    ]


def _from_html(html: str, name: str) -> tuple[ParsedDigest, list[ParseError]]:
    if "SVELTE_HYDRATER" in html:
        return hf_page_html.parse(html.encode(), name)
    tree = LexborHTMLParser(html)
    pairs = [
        (a.attributes.get("href") or "", a.text(separator=" ", strip=True))
        for a in tree.css("a[href]")
    ]
    return ParsedDigest(format=FORMAT, listing="email", entries=_entries_from_links(pairs)), []


def _from_text(text: str, name: str) -> tuple[ParsedDigest, list[ParseError]]:
    pairs: list[tuple[str, str]] = []
    previous = ""
    for line in text.splitlines():
        for m in _PAPER_LINK.finditer(line):
            before = re.sub(r"https?://\S*$", "", line[: m.start()])
            before = before.strip().rstrip(":-–—(<[|").strip()
            pairs.append((m.group(0), before if len(before) > 8 else previous))
        if line.strip() and not _PAPER_LINK.search(line):
            previous = line.strip()
    if pairs:
        return ParsedDigest(format=FORMAT, listing="email", entries=_entries_from_links(pairs)), []
    if hf_page_text.looks_like(text):
        return hf_page_text.parse(text.encode(), name)
    return ParsedDigest(format=FORMAT, listing="email", entries=[]), []


def parse(data: bytes, name: str = "") -> tuple[ParsedDigest, list[ParseError]]:
    msg = message_from_bytes(data, policy=policy.default)
    if not isinstance(msg, EmailMessage):
        raise ParseError("not an e-mail message")
    day = None
    if msg["Date"]:
        try:
            day = parsedate_to_datetime(str(msg["Date"])).date()
        except (TypeError, ValueError):
            day = None
    body = msg.get_body(preferencelist=("html", "plain"))
    if body is None:
        raise ParseError(
            "e-mail without a text/html or text/plain part",
            locator="mime:/",
            excerpt=excerpt(str(msg["Subject"] or "")),
        )
    try:
        content = body.get_content()
    except (LookupError, UnicodeError) as e:
        raise ParseError(f"e-mail body cannot be decoded: {e}", locator="mime:body") from None
    digest, problems = (_from_html if body.get_content_subtype() == "html" else _from_text)(
        str(content), name
    )
    if not digest.entries:
        raise ParseError(
            "e-mail holds no paper links (huggingface.co/papers/<id>, arxiv.org/abs/<id>) and no papers page",
            locator="mime:body",
            excerpt=excerpt(str(msg["Subject"] or "")),
        )
    digest.format = FORMAT
    digest.listing = "email"
    if day is not None and digest.content_date is None and digest.content_month_day is None:
        digest.content_date = day
    return digest, problems
