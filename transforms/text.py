"""Decoding bytes and tidying text, shared by the parsers."""

from __future__ import annotations

import re

from transforms.digest_records import ParseError

_BOM = b"\xef\xbb\xbf"
_WRAPPED = re.compile(r"[ \t]*\r?\n[ \t]*")
# C0/C1 control characters other than tab and newline are never content
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def to_utf8(data: bytes) -> bytes:
    """Text saved as UTF-16 or UTF-32 with a BOM, as UTF-8; anything else unchanged."""
    for bom, codec in _UTF16_32_BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                return data
    return data


def decode_utf8(data: bytes) -> str:
    """Strict UTF-8 (a leading BOM dropped); a bad byte is a ParseError naming its offset."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        offset = e.start + (len(_BOM) if body is not data else 0)
        excerpt = data[max(0, offset - 20) : offset + 20]
        raise ParseError(
            f"invalid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x}): the file is not UTF-8 text "
            "or was re-encoded",
            locator=f"byte:{offset}",
            excerpt=repr(excerpt),
        ) from None


def unwrap(text: str) -> str:
    """Join hard-wrapped lines with one space, drop control characters, trim the ends."""
    # parsing is a backfill's hot path: a field with neither control characters nor line breaks
    # (every character printable) skips both regex passes
    if text.isprintable():
        return text.strip()
    text = _CONTROL.sub(" ", text)
    return (_WRAPPED.sub(" ", text) if "\n" in text else text).strip()


def excerpt(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MOJIBAKE = re.compile(r"[ÃÂâÅÄ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def has_mojibake(text: str) -> bool:
    """Does ``text`` look like UTF-8 decoded as Latin-1/cp1252 anywhere?"""
    return _MOJIBAKE.search(text) is not None


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1/cp1252 ("RamÃ­rez" -> "Ramírez"), when it round-trips."""
    if not has_mojibake(text):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if not has_mojibake(fixed):
            return fixed
    return text
