from __future__ import annotations

from datetime import date

import pytest

from transforms import hf_page_text
from transforms.digest_records import ParseError
from transforms.sniff import sniff

ABS1 = (
    "We study how tiny recurrent controllers can steer large decoders. Our method reduces the "
    "cost of inference by a wide margin while keeping accuracy on every benchmark we tried."
)
ABS2 = (
    "Benchmarks for agents are saturated. We introduce a harder suite of tasks with long horizons "
    "and show that current systems fail on most of them, which opens room for new methods."
)


def page(*lines: str, sep: str = "\n") -> bytes:
    return sep.join(lines).encode()


BASIC = page(
    "new",
    "",
    "Get trending papers in your email inbox!",
    "",
    "Subscribe",
    "",
    "byAK and the research community",
    "",
    "Mar 11",
    "",
    "KiteLM: Steering Decoders with Tiny Controllers",
    "",
    ABS1,
    "",
    "A Harder Benchmark for Web Agents",
    "",
    ABS2,
    "",
)


def titles(data: bytes) -> list[str]:
    digest, _ = hf_page_text.parse(data)
    return [e.title for e in digest.entries]


def test_basic_page_gives_titles_abstracts_and_month_day() -> None:
    digest, problems = hf_page_text.parse(BASIC)
    assert problems == []
    assert [(e.title, e.abstract) for e in digest.entries] == [
        ("KiteLM: Steering Decoders with Tiny Controllers", ABS1),
        ("A Harder Benchmark for Web Agents", ABS2),
    ]
    assert digest.content_month_day == (3, 11)
    assert digest.content_date is None
    assert all(e.arxiv_id is None for e in digest.entries)


def test_crlf_bom_and_runs_of_blank_lines() -> None:
    messy = b"\xef\xbb\xbf" + BASIC.replace(b"\n", b"\r\n").replace(
        b"\r\n\r\n", b"\r\n\r\n\r\n\r\n"
    )
    assert titles(messy) == titles(BASIC)
    digest, _ = hf_page_text.parse(messy)
    assert digest.entries[0].abstract == ABS1


def test_paper_without_abstract() -> None:
    data = page(
        "Mar 11", "", "First Paper Without Abstract", "", "KiteLM: Steering Decoders", "", ABS1
    )
    digest, _ = hf_page_text.parse(data)
    assert [(e.title, e.abstract) for e in digest.entries] == [
        ("First Paper Without Abstract", None),
        ("KiteLM: Steering Decoders", ABS1),
    ]


def test_stray_metadata_lines_are_not_papers_and_upvotes_attach() -> None:
    data = page(
        "Mar 11",
        "",
        "42",
        "",
        "Submitted by akuser",
        "",
        "KiteLM: Steering Decoders",
        "",
        ABS1,
        "",
        "7",
        "A Harder Benchmark for Web Agents",
        ABS2,
    )
    digest, _ = hf_page_text.parse(data)
    assert [e.title for e in digest.entries] == [
        "KiteLM: Steering Decoders",
        "A Harder Benchmark for Web Agents",
    ]
    assert [e.upvotes for e in digest.entries] == [42, 7]
    assert digest.entries[1].abstract == ABS2


def test_no_date_line() -> None:
    data = page("KiteLM: Steering Decoders", "", ABS1)
    digest, _ = hf_page_text.parse(data)
    assert digest.content_month_day is None
    assert digest.content_date is None
    assert [e.title for e in digest.entries] == ["KiteLM: Steering Decoders"]
    assert sniff(data) == "hf_page_text"


def test_titles_and_abstracts_exactly_as_written_but_trimmed() -> None:
    data = page("Mar 11", "", "   Ünïcode Títle: “Quoted” — with dash  ", "", "  " + ABS1 + "   ")
    digest, _ = hf_page_text.parse(data)
    assert digest.entries[0].title == "Ünïcode Títle: “Quoted” — with dash"
    assert digest.entries[0].abstract == ABS1


def test_full_date_line_with_year() -> None:
    digest, _ = hf_page_text.parse(page("March 11, 2024", "", "KiteLM", "", ABS1))
    assert digest.content_date == date(2024, 3, 11)


def test_invalid_utf8_names_the_byte_offset() -> None:
    data = BASIC[:30] + b"\xff\xfe" + BASIC[30:]
    with pytest.raises(ParseError) as e:
        hf_page_text.parse(data)
    assert e.value.locator == "byte:30"
    assert "invalid UTF-8 at byte offset 30" in e.value.reason


def test_sniffs_as_page_text_not_by_name() -> None:
    assert sniff(BASIC) == "hf_page_text"
    assert sniff(b"just a line of text") == "unknown"
