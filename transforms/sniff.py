"""Choosing a parser from the bytes themselves, never the file name."""

from __future__ import annotations

from collections.abc import Callable

from transforms import hf_daily_json, hf_page_text
from transforms.records import ParsedDigest, ParseError

Parser = Callable[[bytes, str], tuple[ParsedDigest, list[ParseError]]]

PARSERS: dict[str, Parser] = {
    hf_daily_json.FORMAT: hf_daily_json.parse,
    hf_page_text.FORMAT: hf_page_text.parse,
}


def sniff(data: bytes) -> str:
    """The format id of ``data``, or ``unknown``."""
    if not data.strip():
        return "unknown"
    if b"\x00" in data[:4096]:
        return "unknown"
    if hf_daily_json.looks_like(data):
        return hf_daily_json.FORMAT
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
    if head.startswith(b"<"):
        return f"markup ({head[:20]!r}...) in no format paperdigest reads yet"
    return "unrecognized content: neither a JSON listing nor a papers page text"


def parse(fmt: str, data: bytes, name: str) -> tuple[ParsedDigest, list[ParseError]]:
    if fmt not in PARSERS:
        raise ParseError(why_unknown(data))
    return PARSERS[fmt](data, name)
