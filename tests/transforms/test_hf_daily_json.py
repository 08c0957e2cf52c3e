from __future__ import annotations

import json
from datetime import date

import pytest

from transforms import hf_daily_json
from transforms.digest_records import ParseError
from transforms.sniff import sniff


def old_item(pid: str, title: str, day: str) -> dict[str, object]:
    # the 2024 generation: no submittedOnDailyAt, the daily date is the item's publishedAt
    return {
        "paper": {
            "id": pid,
            "authors": [
                {"_id": "x", "name": "Ada Lovelace", "hidden": False},
                {"_id": "y", "user": {"fullname": "Alan Turing"}},
            ],
            "publishedAt": "2024-05-24T10:00:00.000Z",
            "title": title,
            "summary": "Line one of the\nabstract continues here.",
            "upvotes": 12,
        },
        "publishedAt": f"{day}T03:00:00.000Z",
        "title": title,
        "numComments": 2,
    }


def new_item(pid: str, title: str, day: str) -> dict[str, object]:
    return {
        "paper": {
            "id": pid,
            "authors": [{"_id": "z", "name": "Grace Hopper", "hidden": False}],
            "publishedAt": "2026-05-30T00:00:00.000Z",
            "submittedOnDailyAt": f"{day}T00:00:00.000Z",
            "title": title,
            "summary": "Short.",
            "upvotes": 30,
            "githubRepo": "https://github.com/o/r",
            "githubStars": 99,
            "ai_keywords": ["agents", "planning"],
            "ai_summary": "It plans.",
        },
        "publishedAt": "2026-05-30T00:00:00.000Z",
        "title": title,
        "numComments": 0,
    }


def parse(items: object, name: str = "") -> tuple[list, str]:
    digest, problems = hf_daily_json.parse(json.dumps(items).encode(), name)
    assert problems == []
    return digest.entries, digest.listing


def test_old_generation_fields_and_unwrapped_text() -> None:
    entries, listing = parse(
        [old_item("2405.00001v2", "A Title Broken\n  Across Lines", "2024-05-27")]
    )
    e = entries[0]
    assert (e.arxiv_id, e.arxiv_version) == ("2405.00001", 2)
    assert e.title == "A Title Broken Across Lines"
    assert e.abstract == "Line one of the abstract continues here."
    assert e.authors == ["Ada Lovelace", "Alan Turing"]
    assert e.submitted_date == date(2024, 5, 27)
    assert e.published_date == date(2024, 5, 24)
    assert (e.upvotes, e.num_comments, e.github_stars) == (12, 2, None)
    assert listing == "daily"


def test_new_generation_optional_fields() -> None:
    entries, _ = parse([new_item("2606.00002", "Planner", "2026-06-03")])
    e = entries[0]
    assert e.submitted_date == date(2026, 6, 3)
    assert (e.github_repo, e.github_stars, e.keywords, e.ai_summary) == (
        "https://github.com/o/r",
        99,
        ["agents", "planning"],
        "It plans.",
    )


def test_month_listing_by_name_and_by_spread() -> None:
    items = [new_item(f"2308.0000{i}", f"T{i}", f"2023-08-{i + 1:02d}") for i in range(1, 9)]
    assert parse(items, "month-2023-08.json")[1] == "monthly"
    assert parse(items, "x.json")[1] == "monthly"
    assert parse(items[:3], "x.json")[1] == "weekly"
    assert parse([], "x.json") == ([], "daily")


def test_error_body_is_an_error_not_an_empty_day() -> None:
    with pytest.raises(ParseError) as e:
        hf_daily_json.parse(b'{"error": "Sorry, not found"}')
    assert "API error response" in e.value.reason
    assert "Sorry, not found" in e.value.reason
    assert e.value.locator == "$.error"


def test_truncated_json_names_the_offset() -> None:
    data = json.dumps([new_item("2606.00002", "Planner", "2026-06-03")]).encode()[:-40]
    with pytest.raises(ParseError) as e:
        hf_daily_json.parse(data)
    assert e.value.reason.startswith("truncated JSON")
    assert e.value.locator.startswith("byte:")


def test_a_bad_item_is_a_problem_the_rest_parse() -> None:
    items = [
        new_item("2606.00002", "Planner", "2026-06-03"),
        "not an object",
        {"paper": {"id": "2606.1"}},
    ]
    digest, problems = hf_daily_json.parse(json.dumps(items).encode())
    assert [e.arxiv_id for e in digest.entries] == ["2606.00002"]
    assert [p.locator for p in problems] == ["$[1]", "$[2].paper.title"]


def test_sniffing_ignores_bom_and_whitespace() -> None:
    assert sniff(b"\xef\xbb\xbf  \n[]") == "hf_daily_json"
    assert sniff(b"") == "unknown"
    assert sniff(b"\x00\x01binary") == "unknown"
