"""Contract patterns in a form pandas hands to RE2 (pyarrow) instead of Python's ``re``.

pandas runs a regex over Arrow-backed strings in pyarrow's RE2, vectorized, unless the pattern
uses ``\\s`` or ``\\S``: RE2's ``\\s`` misses whitespace Python's matches (``\\x0b``, NBSP, the
Unicode spaces), so pandas calls ``re`` once per value instead (every key phrase of a batch).
Spelling out Python's whitespace as a class of the characters
themselves keeps the match exactly Python's and lets RE2 run it. The contracts keep the short
form: it is what the data dictionary shows.
"""

from __future__ import annotations

# what Python's ``\s`` matches in a str pattern: the characters ``str.isspace`` accepts, all in
# the Basic Multilingual Plane (a test scans the rest, which would cost every process a scan here).
# As literal characters, not ``\u`` escapes: pandas sends a pattern with those to ``re`` too
WHITESPACE = "".join(c for c in map(chr, range(0x10000)) if c.isspace())
_SPACE = f"[{WHITESPACE}]"
_NOT_SPACE = f"[^{WHITESPACE}]"


def re2_ready(pattern: str) -> str:
    """``pattern`` with each ``\\s`` and ``\\S`` outside a character class spelled out; one
    inside a class is left as is (the check is then only slower, never different)."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped in "sS" and not in_class:
                out.append(_SPACE if escaped == "s" else _NOT_SPACE)
            else:
                out.append(ch + escaped)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            # a "]" right after "[" or "[^" is a member, not the class's end
            start = i + 2 if pattern[i + 1 : i + 2] == "^" else i + 1
            if pattern[start : start + 1] == "]":
                out.append(pattern[i : start + 1])
                i = start + 1
                continue
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)
