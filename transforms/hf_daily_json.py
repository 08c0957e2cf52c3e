"""Parser for Hugging Face ``/api/daily_papers`` (date, week, month) and ``/api/papers/search``.

Every schema generation since 2023 is accepted: optional fields appear over time and are left
out, not null, so every field is read with a default.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from typing import Any

from transforms.digest_records import Entry, ParsedDigest, ParseError
from transforms.identity import split_arxiv_id
from transforms.text import decode_utf8, excerpt, unwrap

FORMAT = "hf_daily_json"


def looks_like(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"[", b"{")


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _as_count(value: Any) -> int | None:
    # bools are ints in Python (a True upvote count is damage, not 1); past int64 is damage too
    if isinstance(value, int) and not isinstance(value, bool) and -(2**63) < value < 2**63:
        return value
    return None


def _str_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _authors(value: Any) -> list[str]:
    names: list[str] = []
    if not isinstance(value, list):
        return names
    for a in value:
        if isinstance(a, str):
            name = a
        elif isinstance(a, dict):
            user: dict[str, Any] = a["user"] if isinstance(a.get("user"), dict) else {}
            name = a.get("name") or user.get("fullname") or ""
        else:
            continue
        name = unwrap(str(name))
        if name:
            names.append(name)
    return names


def _entry(item: dict[str, Any], path: str) -> Entry:
    paper: dict[str, Any] = item["paper"] if isinstance(item.get("paper"), dict) else item
    title = paper.get("title") or item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ParseError(
            "paper has no title",
            locator=f"{path}.paper.title",
            excerpt=excerpt(json.dumps(item)[:200]),
        )
    ids = split_arxiv_id(str(paper.get("id", ""))) if paper.get("id") else None
    summary = paper.get("summary") if isinstance(paper.get("summary"), str) else item.get("summary")
    submitted = _as_date(paper.get("submittedOnDailyAt")) or (
        _as_date(item.get("publishedAt")) if "paper" in item else None
    )
    keywords = paper.get("ai_keywords")
    return Entry(
        title=unwrap(title),
        abstract=unwrap(summary) or None if isinstance(summary, str) else None,
        arxiv_id=ids[0] if ids else None,
        arxiv_version=ids[1] if ids else None,
        authors=_authors(paper.get("authors")),
        published_date=_as_date(paper.get("publishedAt")),
        submitted_date=submitted,
        upvotes=_as_count(paper.get("upvotes")),
        num_comments=_as_count(item.get("numComments")),
        github_stars=_as_count(paper.get("githubStars")),
        github_repo=_str_or_none(paper.get("githubRepo")),
        project_page=_str_or_none(paper.get("projectPage")),
        keywords=[unwrap(k) for k in keywords if isinstance(k, str)]
        if isinstance(keywords, list)
        else [],
        ai_summary=_str_or_none(paper.get("ai_summary")),
    )


_NAME_HINTS = (
    (re.compile(r"month", re.I), "monthly"),
    (re.compile(r"week", re.I), "weekly"),
    (re.compile(r"search", re.I), "search"),
)


def _listing(entries: list[Entry], name: str) -> str:
    for pattern, listing in _NAME_HINTS:
        if pattern.search(name):
            return listing
    days = {e.submitted_date for e in entries if e.submitted_date}
    if len(days) <= 1:
        return "daily"
    span = (max(days) - min(days)).days
    return "weekly" if span <= 6 else "monthly"


def _literal(text: str) -> Any:
    """A Python literal (repr of dicts/lists), read safely: ``ast.literal_eval``, never ``eval``."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _salvage_truncated_array(text: str) -> tuple[list[Any], int]:
    """The complete items at the head of an array cut short; and where the damage starts."""
    decoder = json.JSONDecoder()
    items: list[Any] = []
    pos = text.index("[") + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return items, pos
        items.append(item)
        pos = end


def _load(text: str) -> tuple[Any, list[ParseError]]:
    try:
        return json.loads(text), []
    except RecursionError:
        raise ParseError("JSON nested too deeply to be a listing", locator="byte:0") from None
    except json.JSONDecodeError as e:
        error = e
    if len(text) > 20_000_000:
        raise ParseError(
            f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}",
            locator=f"byte:{len(text[: error.pos].encode('utf-8'))}",
        )
    # a whole file of Python reprs (single quotes, True/None) instead of JSON
    doc = _literal(text)
    if isinstance(doc, list | dict):
        return doc, []
    byte_offset = len(text[: error.pos].encode("utf-8"))
    # input that stops mid-document fails at its end, or inside a string never closed
    at_end = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string")
    if at_end and text.lstrip().startswith("["):
        items, cut = _salvage_truncated_array(text)
        if items:
            cut_bytes = len(text[:cut].encode("utf-8"))
            return items, [
                ParseError(
                    f"truncated JSON: {len(items)} complete items kept, the rest is cut off at byte offset {cut_bytes}",
                    locator=f"byte:{cut_bytes}",
                    excerpt=excerpt(text[cut : cut + 120]),
                )
            ]
    kind = "truncated JSON (the file ends mid-document)" if at_end else "invalid JSON"
    raise ParseError(
        f"{kind}: {error.msg} at line {error.lineno} column {error.colno} (byte offset {byte_offset})",
        locator=f"byte:{byte_offset}",
        excerpt=excerpt(text[max(0, error.pos - 80) : error.pos + 40]),
    )


def parse_items(doc: Any, name: str) -> tuple[list[Entry], list[ParseError]]:
    """Entries from the API's item list (also the ``dailyPapers`` of a saved page)."""
    if isinstance(doc, dict):
        if "error" in doc:
            raise ParseError(
                f"the file is an API error response, not a listing: {doc['error']!r}",
                locator="$.error",
                excerpt=excerpt(json.dumps(doc, default=str)),
            )
        if isinstance(doc.get("dailyPapers"), list):
            doc = doc["dailyPapers"]
        else:
            raise ParseError(
                f"expected a JSON array of papers, found an object with keys {sorted(doc)[:8]}",
                locator="$",
            )
    if not isinstance(doc, list):
        raise ParseError(
            f"expected a JSON array of papers, found {type(doc).__name__}", locator="$"
        )
    entries: list[Entry] = []
    problems: list[ParseError] = []
    for i, item in enumerate(doc):
        path = f"$[{i}]"
        if isinstance(item, str) and item.lstrip().startswith("{"):
            # damaged archives hold items as JSON text or Python reprs; read them safely
            try:
                item = json.loads(item)
            except json.JSONDecodeError:
                item = _literal(item) or item
        if not isinstance(item, dict):
            problems.append(
                ParseError(
                    f"expected a paper object, found {type(item).__name__}",
                    locator=path,
                    excerpt=excerpt(repr(item)),
                )
            )
            continue
        try:
            entries.append(_entry(item, path))
        except ParseError as e:
            problems.append(e)
    if doc and not entries:
        first = problems[0]
        raise ParseError(
            f"no readable paper in {len(doc)} items; first: {first.reason}",
            first.locator,
            first.excerpt,
        )
    return entries, problems


def parse(data: bytes, name: str = "") -> tuple[ParsedDigest, list[ParseError]]:
    """Parse one response. Whole-file damage raises; a bad item is returned as a problem."""
    text = decode_utf8(data)
    if not text.strip():
        raise ParseError("empty file")
    if text.lstrip().startswith("<"):
        raise ParseError(
            "an HTML/XML document saved where a JSON listing was expected",
            locator="byte:0",
            excerpt=excerpt(text.strip()[:120]),
        )
    doc, problems = _load(text)
    entries, item_problems = parse_items(doc, name)
    return ParsedDigest(
        format=FORMAT, listing=_listing(entries, name), entries=entries
    ), problems + item_problems
