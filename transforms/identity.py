"""Paper identity: arXiv ids without version, else a key of the normalized title."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_NEW_ID = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v(\d+))?$", re.IGNORECASE)
_OLD_ID = re.compile(r"^(?:arxiv:)?([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$", re.IGNORECASE)

# LaTeX accent commands -> combining marks, so "G\"{o}del" and "Gödel" key the same
_LATEX_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
}
_LATEX_ACCENT_RE = re.compile(r"\\([`'^\"~=.uvHc])\s*\{?\\?([A-Za-z])\}?")


def split_arxiv_id(raw: str) -> tuple[str, int | None] | None:
    """``'2305.12345v2'`` -> ``('2305.12345', 2)``; None when it is not an arXiv id."""
    s = raw.strip()
    m = _NEW_ID.match(s)
    if m:
        return m.group(1), int(m.group(2)) if m.group(2) else None
    m = _OLD_ID.match(s)
    if m:
        # archive names are lower case; the subject class (math.AG) keeps its case
        arch, _, num = m.group(1).partition("/")
        name, dot, cls = arch.partition(".")
        return f"{name.lower()}{dot}{cls.upper()}/{num}", int(m.group(2)) if m.group(2) else None
    return None


def _resolve_latex_accents(text: str) -> str:
    return _LATEX_ACCENT_RE.sub(lambda m: m.group(2) + _LATEX_ACCENTS[m.group(1)], text)


_NOT_LETTER_OR_NUMBER = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    """NFKC, LaTeX accents resolved, case-folded, punctuation and whitespace dropped."""
    s = _resolve_latex_accents(title)
    s = unicodedata.normalize("NFKC", s).casefold()
    # drop combining marks after decomposition so accented and plain spellings agree
    s = unicodedata.normalize("NFKD", s)
    # keeps exactly the letters and numbers (Unicode categories L* and N*): \w is str.isalnum()
    # plus "_", and isalnum() matches those categories on every code point (checked in a test)
    return _NOT_LETTER_OR_NUMBER.sub("", s)


TITLE_KEY_PREFIX = "t:"


@lru_cache(maxsize=1 << 18)
def title_key(title: str) -> str:
    return (
        TITLE_KEY_PREFIX + hashlib.sha256(normalize_title(title).encode("utf-8")).hexdigest()[:16]
    )


def paper_id_for(arxiv_id: str | None, title: str) -> str:
    return arxiv_id if arxiv_id else title_key(title)
