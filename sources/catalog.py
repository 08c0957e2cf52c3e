"""What each source fetches: URLs, parameters and a file name per request. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

import httpx


@dataclass(frozen=True)
class SourceUrls:
    hf: str = "https://huggingface.co"
    arxiv_rss: str = "https://rss.arxiv.org"
    arxiv_api: str = "https://export.arxiv.org"


@dataclass(frozen=True)
class Request:
    source: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    # the name the body lands under: dates in names date the digest (see transforms.dates)
    name: str = ""
    # HF listings come in pages: follow with p=1, 2, ... while a page is full
    paged: bool = False

    def params_for(self, page: int) -> dict[str, str]:
        """The query parameters of page ``page`` (0: the first; pages after it add ``p``)."""
        params = dict(self.params)
        if self.paged and page:
            params["p"] = str(page)
        return params

    def url_for(self, page: int = 0) -> str:
        """The one URL of page ``page``: what is sent, logged in ``fetches`` and looked up for
        the validators of a conditional request."""
        return canonical_url(self.url, self.params_for(page))


def canonical_url(url: str, params: dict[str, str]) -> str:
    """``url`` with its own query and ``params`` sorted by name and percent-encoded as httpx
    sends them (so a canonical URL given again comes back unchanged)."""
    base = httpx.URL(url)
    items = sorted([*base.params.multi_items(), *params.items()])
    return str(base.copy_with(params=items) if items else base)


HF_PAGE_SIZE = 100


def hf_daily(
    urls: SourceUrls, *, day: date | None = None, week: str | None = None, month: str | None = None
) -> Request:
    if sum(x is not None for x in (day, week, month)) != 1:
        raise ValueError("give exactly one of a date, a week (YYYY-Www) or a month (YYYY-MM)")
    if day is not None:
        key, value, tag = "date", day.isoformat(), f"date-{day.isoformat()}"
    elif week is not None:
        key, value, tag = "week", week, f"week-{week}"
    else:
        assert month is not None
        key, value, tag = "month", month, f"month-{month}"
    return Request(
        "hf_daily",
        f"{urls.hf}/api/daily_papers",
        {key: value, "limit": str(HF_PAGE_SIZE)},
        f"hf_daily_papers_{tag}.json",
        paged=True,
    )


def hf_daily_window(urls: SourceUrls, today: date, days_back: int) -> list[Request]:
    """Today and the days before it: same-day snapshots are incomplete and upvotes keep moving."""
    return [hf_daily(urls, day=today - timedelta(days=i)) for i in range(days_back + 1)]


def hf_search(urls: SourceUrls, query: str) -> Request:
    slug = "".join(ch if ch.isalnum() else "-" for ch in query.lower())[:40].strip("-")
    return Request(
        "hf_search", f"{urls.hf}/api/papers/search", {"q": query}, f"hf_search_{slug}.json"
    )


def hf_page(urls: SourceUrls, day: date | None = None) -> Request:
    if day is None:
        return Request("hf_page", f"{urls.hf}/papers", {}, "hf_papers_page.html")
    return Request(
        "hf_page",
        f"{urls.hf}/papers/date/{day.isoformat()}",
        {},
        f"hf_papers_page_{day.isoformat()}.html",
    )


def arxiv_rss(urls: SourceUrls, category: str) -> Request:
    return Request(
        "arxiv_rss", f"{urls.arxiv_rss}/rss/{quote(category)}", {}, f"arxiv_rss_{category}.xml"
    )


def arxiv_query(urls: SourceUrls, query: str, max_results: int = 100, start: int = 0) -> Request:
    slug = "".join(ch if ch.isalnum() else "-" for ch in query.lower())[:40].strip("-")
    return Request(
        "arxiv_query",
        f"{urls.arxiv_api}/api/query",
        {
            "search_query": query,
            "start": str(start),
            "max_results": str(max_results),
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        },
        f"arxiv_query_{slug}.xml",
    )
