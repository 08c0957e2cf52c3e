from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from transforms.dates import choose_digest_date, resolve_month_day
from transforms.identity import normalize_title, split_arxiv_id, title_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2305.12345v2", ("2305.12345", 2)),
        ("2305.12345", ("2305.12345", None)),
        ("arXiv:1706.03762v7", ("1706.03762", 7)),
        ("cond-mat/0603029v1", ("cond-mat/0603029", 1)),
        ("math.AG/0601001", ("math.AG/0601001", None)),
        ("not-an-id", None),
    ],
)
def test_split_arxiv_id(raw: str, expected: tuple[str, int | None] | None) -> None:
    assert split_arxiv_id(raw) == expected


def test_title_key_ignores_case_punctuation_accents_and_latex() -> None:
    assert normalize_title("Gödel's  Theorem: A Proof!") == "godelstheoremaproof"
    assert title_key("G\\\"{o}del's Theorem: a proof") == title_key("GÖDEL'S THEOREM — A PROOF")
    assert title_key("Attention Is All You Need").startswith("t:")
    assert len(title_key("x")) == 18


def test_month_day_takes_latest_year_on_or_before_landing() -> None:
    assert resolve_month_day(3, 11, date(2026, 11, 29)) == date(2026, 3, 11)
    assert resolve_month_day(12, 30, date(2026, 1, 2)) == date(2025, 12, 30)
    assert resolve_month_day(2, 29, date(2026, 3, 1)) == date(2024, 2, 29)


def test_digest_date_precedence() -> None:
    landing = date(2026, 11, 29)
    kw: dict[str, Any] = {
        "filename": "x_2026-11-20.json",
        "entry_dates": [date(2026, 11, 19)],
        "landing": landing,
    }
    assert choose_digest_date(explicit=date(2026, 1, 1), content=date(2026, 2, 2), **kw) == (
        date(2026, 1, 1),
        "explicit",
    )
    assert choose_digest_date(explicit=None, content=date(2026, 2, 2), **kw) == (
        date(2026, 2, 2),
        "content",
    )
    assert choose_digest_date(explicit=None, content=None, **kw) == (date(2026, 11, 20), "filename")
    kw["filename"] = "daily.json"
    assert choose_digest_date(explicit=None, content=None, **kw) == (date(2026, 11, 19), "entries")
    kw["entry_dates"] = []
    assert choose_digest_date(explicit=None, content=None, **kw) == (landing, "landing")


def test_title_normalization_keeps_exactly_letters_and_numbers_on_every_code_point() -> None:
    import re
    import unicodedata

    from transforms.identity import _NOT_LETTER_OR_NUMBER

    assert _NOT_LETTER_OR_NUMBER.pattern == r"[\W_]+"
    word = re.compile(r"\w")
    for cp in range(0x110000):
        ch = chr(cp)
        kept = unicodedata.category(ch)[0] in ("L", "N")
        assert kept == (ch != "_" and word.match(ch) is not None), hex(cp)
