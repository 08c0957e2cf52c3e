"""Parser for a saved huggingface.co/papers page (daily, weekly, monthly, trending).

The page's data sits HTML-escaped in ``<div class="SVELTE_HYDRATER contents"
data-target="DailyPapers" data-props="...">``; that JSON is read (with a real HTML parser),
not the rendered cards, which carry less and change with every redesign.
"""

from __future__ import annotations

import json
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from transforms.digest_records import ParsedDigest, ParseError
from transforms.hf_daily_json import parse_items
from transforms.text import decode_utf8, excerpt

FORMAT = "hf_page_html"
_TARGETS = ("DailyPapers", "TrendingPapers", "WeeklyPapers", "MonthlyPapers", "Papers")


def looks_like(head: bytes) -> bool:
    low = head[:4096].lower()
    return b"<html" in low or b"<!doctype html" in low


def _listing(target: str, props: dict[str, object]) -> str:
    if "Trending" in target:
        return "trending"
    for key, listing in (("week", "weekly"), ("month", "monthly")):
        if key in props or key.capitalize() in target:
            return listing
    return "daily"


def _page_date(props: dict[str, object]) -> date | None:
    for key in ("date", "week", "month"):
        value = props.get(key)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def parse(data: bytes, name: str = "") -> tuple[ParsedDigest, list[ParseError]]:
    tree = LexborHTMLParser(decode_utf8(data))
    for node in tree.css("div.SVELTE_HYDRATER[data-target]"):
        target = node.attributes.get("data-target") or ""
        raw = node.attributes.get("data-props")
        if target not in _TARGETS or not raw:
            continue
        try:
            props = json.loads(raw)  # the parser has already unescaped the attribute
        except json.JSONDecodeError as e:
            raise ParseError(
                f"the {target} data-props is not valid JSON: {e.msg}",
                locator=f"html:{target}",
                excerpt=excerpt(raw[max(0, e.pos - 60) : e.pos + 60]),
            ) from None
        if not isinstance(props, dict):
            continue
        items = props.get("dailyPapers", props.get("papers"))
        if not isinstance(items, list):
            continue
        entries, problems = parse_items(items, name)
        return ParsedDigest(
            format=FORMAT,
            listing=_listing(target, props),
            entries=entries,
            content_date=_page_date(props),
        ), problems
    title = tree.css_first("title")
    page = title.text(strip=True) if title else "untitled"
    raise ParseError(
        f"an HTML page ({page!r}) with no papers data (no SVELTE_HYDRATER DailyPapers props): "
        "not a saved huggingface.co/papers page, or an error page saved in its place",
        locator="html:/",
        excerpt=excerpt(page),
    )
