"""Per-pair reference forms of the near-title rules: plain Python, one title at a time, which
the bulk forms of ``transforms.near_titles`` must agree with."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from transforms import near_titles as rules

# Python's [\W_] is exactly what is not a Unicode letter or number (Polars' [^\p{L}\p{N}])
_NOT_WORD = re.compile(r"[\W_]+")


def title_words(title: str) -> str:
    """Lowercase words of ``title``, accents and punctuation dropped, one space between."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title).lower())
    s = "".join(c for c in s if not unicodedata.category(c).startswith("M"))
    return " ".join(_NOT_WORD.sub(" ", s).split())


def sides(title: str) -> list[str]:
    """The word forms of each side of ``title``'s first colon (none without one)."""
    head, colon, tail = title.partition(":")
    if not colon:
        return []
    forms = (title_words(head), title_words(tail))
    return [s for s in forms if len(s.split()) >= rules.SIDE_MIN_WORDS]


def similarity(a: str, b: str) -> float:
    """How close two titles are, out of 100, by the rules (0 when no rule holds)."""
    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return 0.0
    best = float(fuzz.ratio(wa, wb))
    best = best if best >= rules.RATIO_MIN else 0.0
    short, long = sorted((wa, wb), key=len)
    n_short, n_long = len(short.split()), len(long.split())
    if (
        long.startswith(short + " ")
        and n_short >= rules.PREFIX_MIN_WORDS
        and n_short >= rules.PREFIX_MIN_SHARE * n_long
    ):
        best = max(best, rules.PREFIX_SCORE)
    if wa in sides(b) or wb in sides(a):
        best = max(best, rules.SIDE_SCORE)
    return best
