"""Contract patterns handed to RE2 match exactly what Python's ``re`` matches."""

from __future__ import annotations

import re
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from expectations.re2_patterns import WHITESPACE, re2_ready
from warehouse.contracts import ALL

CONTRACT_PATTERNS = sorted({c.pattern for t in ALL for c in t.columns if c.pattern})

# every whitespace character Python knows, between and around words; and look-alikes that are
# not whitespace (zero-width space, BOM, NUL)
_ODD = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()] + [
    "\u200b",
    "\ufeff",
    "\x00",
]
VALUES = [
    "diffusion",
    "diffusion models",
    "latent diffusion models",
    "one two three four",
    "",
    " lead",
    "trail ",
    "https://github.com/org/repo",
    "https://example.org/a b",
    "2611.00001",
    "t:0123456789abcdef",
    "a" * 64,
    "20261130T120000123456Z-abc123",
    "2026-11",
    "ümlaut wörds",
    *(f"left{ch}right" for ch in _ODD),
    *(f"https://x.org/{ch}p" for ch in _ODD),
]
# Python's "$" also matches before a final newline, RE2's does not: pandas sends such data to
# Python's re, so through pandas (as GX calls it) these match as in Python too
ENDING_IN_NEWLINE = ["diffusion\n", "https://x.org/\n", "2026-11\n"]


def test_whitespace_is_every_character_python_calls_whitespace() -> None:
    assert {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} == set(WHITESPACE)


@pytest.mark.parametrize("pattern", CONTRACT_PATTERNS)
def test_a_contract_pattern_matches_in_re2_exactly_as_in_python(pattern: str) -> None:
    ready = re2_ready(pattern)
    expected = [re.search(pattern, v) is not None for v in VALUES]
    assert pc.match_substring_regex(pa.array(VALUES), ready).to_pylist() == expected
    values = VALUES + ENDING_IN_NEWLINE
    column = pd.Series(values, dtype=pd.ArrowDtype(pa.string()))
    # GX's pandas check for ExpectColumnValuesToMatchRegex, as it calls it
    got = column.astype(str).str.contains(ready).tolist()
    assert got == [re.search(pattern, v) is not None for v in values]
    # and pandas hands it to RE2 (pyarrow), not to Python's re once per value, on data like
    # ours (pandas still falls back on "$" over values with a newline, or on "\d" over
    # non-ASCII values, where RE2 differs: correct, only slower)
    strings = pd.Series(["diffusion models", "2611.00001"], dtype=pd.ArrowDtype(pa.string())).array
    assert not strings._needs_python_regex(ready)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^\S+$", f"^[^{WHITESPACE}]+$"),
        (r"a\sb", f"a[{WHITESPACE}]b"),
        (r"[\s]x", r"[\s]x"),  # inside a class: left alone (slower, still right)
        (r"[]\S]\S", f"[]\\S][^{WHITESPACE}]"),  # "]" first in a class is a member
        (r"\\s", r"\\s"),  # an escaped backslash, then a plain "s"
        (r"\d{4}\.\d+", r"\d{4}\.\d+"),
    ],
)
def test_only_whitespace_classes_outside_brackets_are_spelled_out(
    pattern: str, expected: str
) -> None:
    assert re2_ready(pattern) == expected
