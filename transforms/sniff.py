"""Choosing a parser from the bytes themselves, never the file name."""

from __future__ import annotations

from collections.abc import Callable

from transforms import (
    arxiv_atom,
    arxiv_rss,
    email_digest,
    hf_daily_json,
    hf_page_html,
    hf_page_text,
)
from transforms.digest_records import ParsedDigest, ParseError

Parser = Callable[[bytes, str], tuple[ParsedDigest, list[ParseError]]]

PARSERS: dict[str, Parser] = {
    hf_daily_json.FORMAT: hf_daily_json.parse,
    hf_page_text.FORMAT: hf_page_text.parse,
    hf_page_html.FORMAT: hf_page_html.parse,
    arxiv_atom.FORMAT: arxiv_atom.parse,
    arxiv_rss.FORMAT: arxiv_rss.parse,
    email_digest.FORMAT: email_digest.parse,
}


def sniff(data: bytes) -> str:
    """The format id of ``data``, or ``unknown``."""
    if not data.strip():
        return "unknown"
    if b"\x00" in data[:4096]:
        return "unknown"
    body = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    head = body[:4096]
    if hf_daily_json.looks_like(body):
        return hf_daily_json.FORMAT
    if head.startswith(b"<"):
        if arxiv_atom.looks_like(head):
            return arxiv_atom.FORMAT
        if arxiv_rss.looks_like(head):
            return arxiv_rss.FORMAT
        if hf_page_html.looks_like(head):
            return hf_page_html.FORMAT
        return "unknown"
    if email_digest.looks_like(body):
        return email_digest.FORMAT
    # undecodable bytes still sniff as text so the parser can name the bad offset
    if hf_page_text.looks_like(data[:20000].decode("utf-8", errors="replace")):
        return hf_page_text.FORMAT
    return "unknown"


def why_unknown(data: bytes) -> str:
    if not data.strip():
        return "empty file" if not data else "file holds only whitespace"
    if b"\x00" in data[:4096]:
        return "binary content (NUL bytes): not a digest format paperdigest reads"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:40]
    if b"<!ENTITY" in data[:65536] or (
        b"<!DOCTYPE" in data[:4096] and b"<html" not in data[:4096].lower()
    ):
        return "XML with a DTD or entity declarations: refused (entity expansion and external entities are unsafe)"
    if head.startswith(b"<"):
        return f"markup ({head[:30]!r}...) that is neither an arXiv feed nor an HTML page"
    return "unrecognized content: neither a JSON listing, a feed, an e-mail nor a papers page text"


def parse(fmt: str, data: bytes, name: str) -> tuple[ParsedDigest, list[ParseError]]:
    if fmt not in PARSERS:
        raise ParseError(why_unknown(data))
    return PARSERS[fmt](data, name)
