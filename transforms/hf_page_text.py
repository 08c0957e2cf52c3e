"""Parser for the text rendering of a huggingface.co/papers listing.

Layout: optional chrome lines, a date line (``Mar 11``, no year), then per paper a title
paragraph and an abstract paragraph. Scraped text is messy, so this tolerates CRLF, a BOM,
runs of blank lines, a paper without an abstract, stray metadata lines (a bare upvote count,
"Submitted by ...") and a missing date line. There are no ids: papers are keyed by title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from transforms.digest_records import Entry, ParsedDigest, ParseError
from transforms.text import decode_utf8

FORMAT = "hf_page_text"

CHROME = frozenset(
    s.casefold()
    for s in (
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
        "Trending Papers",
        "Weekly Papers",
        "Monthly Papers",
        "Previous",
        "Next",
        "Submit",
        "Submit paper",
        "Search",
        "Hugging Face",
    )
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DATE_LINE = re.compile(
    r"^(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?$"
)
_ISO_DATE_LINE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UPVOTES = re.compile(r"^[▲⬆↑^]?\s*(\d{1,6})(?:\s+upvotes?)?$", re.IGNORECASE)
_METADATA = re.compile(
    r"^(Submitted by\b.*|Published on\b.*|\d+\s+authors?|·.*|\d+\s+comments?|View arXiv page|View PDF)$",
    re.IGNORECASE,
)


@dataclass
class _Para:
    lines: list[str] = field(default_factory=list)
    upvotes: int | None = None

    @property
    def text(self) -> str:
        return " ".join(self.lines).strip()


def _date_of(line: str) -> tuple[date | None, tuple[int, int] | None] | None:
    m = _ISO_DATE_LINE.match(line)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
        except ValueError:
            return None
    m = _DATE_LINE.match(line)
    if not m or m.group("mon").lower() not in _MONTHS:
        return None
    month, day = _MONTHS[m.group("mon").lower()], int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    if m.group("year"):
        try:
            return date(int(m.group("year")), month, day), None
        except ValueError:
            return None
    return None, (month, day)


def _is_abstract_like(text: str) -> bool:
    # Titles are short and rarely end in a full stop; abstracts are long or read as sentences.
    return len(text) >= 160 or (text.endswith(".") and len(text.split()) >= 8)


def _title_cased(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _split_title_block(para: _Para) -> tuple[str, str] | None:
    """A title line directly followed by its abstract, with no blank line between."""
    if len(para.lines) < 2:
        return None
    first, rest = para.lines[0], " ".join(para.lines[1:]).strip()
    if len(first) > 200 or first.endswith(".") or not _is_abstract_like(rest):
        return None
    if para.upvotes is None and not _title_cased(first):
        return None
    return first, rest


def _paragraphs(text: str) -> tuple[list[_Para], date | None, tuple[int, int] | None, bool]:
    """Split into content paragraphs, lifting out chrome, metadata and the date line."""
    paras: list[_Para] = []
    current = _Para()
    pending_upvotes: int | None = None
    content_date: date | None = None
    month_day: tuple[int, int] | None = None
    saw_marker = False

    def flush() -> None:
        nonlocal current, pending_upvotes
        if current.lines:
            current.upvotes, pending_upvotes = pending_upvotes, None
            paras.append(current)
        current = _Para()

    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.casefold() in CHROME:
            saw_marker = True
            continue
        if not paras and not current.lines and content_date is None and month_day is None:
            found = _date_of(line)
            if found is not None:
                content_date, month_day = found
                saw_marker = True
                continue
        up = _UPVOTES.match(line)
        if up:
            flush()
            pending_upvotes = int(up.group(1))
            continue
        if _METADATA.match(line):
            flush()
            continue
        current.lines.append(line)
    flush()
    return paras, content_date, month_day, saw_marker


_MARKUP_LINE = re.compile(r"^(?:#{1,6} |\||```|<[a-zA-Z!/]|[-*] \[)")


def looks_like(text: str) -> bool:
    """A page text has chrome or a date line, or titles each followed by an abstract.

    Markdown, HTML and other marked-up text is not a page text, however it is laid out.
    """
    if "\x00" in text or text.lstrip().startswith("<"):
        return False
    if any(_MARKUP_LINE.match(line) for line in text[:20000].splitlines()):
        return False
    paras, _content_date, _month_day, saw_marker = _paragraphs(text[:20000])
    if not paras:
        return False
    if saw_marker:
        return True
    return (
        len(paras) >= 2
        and not _is_abstract_like(paras[0].text)
        and _is_abstract_like(paras[1].text)
    )


def parse(data: bytes, name: str = "") -> tuple[ParsedDigest, list[ParseError]]:
    text = decode_utf8(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("empty file")
    paras, content_date, month_day, _ = _paragraphs(text)
    entries: list[Entry] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        i += 1
        split = _split_title_block(para)
        if split is not None:
            entries.append(Entry(title=split[0], abstract=split[1], upvotes=para.upvotes))
            continue
        if _is_abstract_like(para.text) and entries and entries[-1].abstract is not None:
            # a second abstract paragraph belongs to the paper before
            entries[-1].abstract += "\n\n" + para.text
            continue
        entry = Entry(title=para.text, upvotes=para.upvotes)
        if i < len(paras) and paras[i].upvotes is None and _is_abstract_like(paras[i].text):
            entry.abstract = paras[i].text
            i += 1
        entries.append(entry)
    return (
        ParsedDigest(
            format=FORMAT,
            listing="daily",
            entries=entries,
            content_date=content_date,
            content_month_day=month_day,
        ),
        [],
    )
