"""Short names: the system or method name a title leads with (``DVPT: ...`` -> ``DVPT``)."""

from __future__ import annotations

import re

_LEAD = re.compile(r"^\s*([A-Za-z0-9][\w\-+.&'²³]*(?: [A-Za-z0-9][\w\-+.&'²³]*){0,2})\s*:\s*\S")
_NOT_NAMES = frozenset(
    {
        "survey",
        "review",
        "position",
        "tutorial",
        "overview",
        "perspective",
        "note",
        "technical report",
        "report",
        "preprint",
        "editorial",
        "introduction",
        "part",
        "chapter",
        "case study",
        "erratum",
    }
)


def short_name(title: str) -> str | None:
    """The system or method name a title leads with: ``DVPT: ...`` -> ``DVPT``; else None."""
    m = _LEAD.match(title)
    if not m:
        return None
    name = m.group(1).strip()
    words = name.split()
    if name.casefold() in _NOT_NAMES or len(name) > 32:
        return None
    # several words make a name only with a capital inside a word or a digit
    # ("Stable Diffusion 3", "Grounded SAM"), not a Title Cased phrase ("Large Language Models")
    if len(words) > 1 and not any(
        any(ch.isupper() or ch.isdigit() for ch in w[1:]) or w.isdigit() for w in words
    ):
        return None
    return name
