"""Record screening: an entry whose title is junk is quarantined alone, not the whole run."""

from __future__ import annotations

import re

from transforms.digest_records import ParsedDigest, ParseError
from transforms.text import excerpt, fix_mojibake
from warehouse.contracts.rules import TITLE_MARKUP, TITLE_MAX_CHARS, TITLE_MOJIBAKE

_MARKUP = re.compile(TITLE_MARKUP)
_MOJIBAKE = re.compile(TITLE_MOJIBAKE.replace(r"\x{FFFD}", "\ufffd"))


def screen(digest: ParsedDigest) -> list[ParseError]:
    """Repair what can be repaired, drop what cannot, and say why."""
    kept, problems = [], []
    for i, entry in enumerate(digest.entries, start=1):
        entry.title = fix_mojibake(entry.title)
        if _MARKUP.search(entry.title):
            why = "title holds HTML markup or entities"
        elif _MOJIBAKE.search(entry.title):
            why = "title holds mojibake (mis-decoded text) that cannot be repaired"
        elif len(entry.title) > TITLE_MAX_CHARS:
            why = (
                f"title is {len(entry.title)} characters long (over {TITLE_MAX_CHARS}): not a title"
            )
        else:
            kept.append(entry)
            continue
        problems.append(ParseError(why, locator=f"entry[{i}].title", excerpt=excerpt(entry.title)))
    digest.entries = kept
    return problems
