"""A polite HTTP client: timeouts, retries with backoff (honouring Retry-After), a per-host rate
limit, conditional requests (ETag / If-Modified-Since) and a size cap. Built on httpx."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from collections.abc import Callable

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# never kept in request metadata: they can carry credentials or sessions
SENSITIVE_HEADERS = frozenset(
    {
        "set-cookie",
        "cookie",
        "authorization",
        "proxy-authorization",
        "x-amz-security-token",
        "x-api-key",
    }
)


class FetchError(RuntimeError):
    """A request that could not be completed; the message says why (status, size, timeout)."""


@dataclass(frozen=True)
class HttpSettings:
    timeout_s: float = 30.0
    max_retries: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    max_bytes: int = 50_000_000
    user_agent: str = "paperdigest/0.1 (research digest archiver)"
    # minimum seconds between two requests to the same host (arXiv asks for one every 3 s)
    rate_limits: dict[str, float] = field(
        default_factory=lambda: {"export.arxiv.org": 3.0, "rss.arxiv.org": 3.0, "arxiv.org": 3.0}
    )
    default_interval_s: float = 0.5


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    url: str
    params: dict[str, str]
    status: int
    headers: dict[str, str]
    body: bytes | None
    fetched_at: datetime
    attempts: int
    elapsed_s: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(self.headers.get("etag"), self.headers.get("last-modified"))


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Fetcher:
    """One client per command; remembers when each host was last asked."""

    def __init__(
        self,
        settings: HttpSettings,
        now: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``now``: the run's clock, which stamps ``fetched_at`` and dates a Retry-After;
        ``clock``: seconds for rate limits and elapsed times."""
        self.settings = settings
        self._now = now
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self.slept: list[float] = []
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_s),
            headers={"User-Agent": settings.user_agent},
            # redirects are followed by hand, and only within the host asked (see get)
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self._sleep(seconds)

    def _respect_rate_limit(self, host: str) -> None:
        interval = self.settings.rate_limits.get(host, self.settings.default_interval_s)
        last = self._last.get(host)
        if last is not None:
            self._wait(interval - (self._clock() - last))
        self._last[host] = self._clock()

    def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        cap = self.settings.max_bytes
        if declared and declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"{response.url}: response of {declared} bytes is over the {cap}-byte cap"
            )
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(
                    f"{response.url}: response passed the {cap}-byte cap; download stopped"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def get(
        self, url: str, params: dict[str, str] | None = None, validators: Validators | None = None
    ) -> FetchResult:
        params = dict(params or {})
        headers: dict[str, str] = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        host = urlsplit(url).hostname or ""
        started = self._clock()
        attempt = 0
        redirects = 0
        target: str | httpx.URL = url
        while True:
            attempt += 1
            self._respect_rate_limit(host)
            try:
                with self._client.stream(
                    "GET",
                    target,
                    # an empty dict would drop a query string already in the URL
                    params=(params or None) if target == url else None,
                    headers=headers,
                ) as response:
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        nxt = response.url.join(response.headers["location"])
                        if nxt.host != host:
                            raise FetchError(
                                f"{response.url}: redirect to {nxt.host!r} refused: "
                                f"fetches go only to the host asked ({host})"
                            )
                        redirects += 1
                        if redirects > MAX_REDIRECTS:
                            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")
                        target = nxt
                        attempt -= 1  # a redirect is not a retry
                        continue
                    if (
                        response.status_code in RETRY_STATUSES
                        and attempt <= self.settings.max_retries
                    ):
                        delay = retry_after_seconds(
                            response.headers.get("retry-after"), self._now()
                        )
                        if delay is None:
                            delay = self.settings.backoff_s * 2 ** (attempt - 1)
                        self._wait(min(delay, self.settings.max_backoff_s))
                        continue
                    body = self._read_capped(response) if response.status_code != 304 else None
                    if response.status_code >= 400:
                        raise FetchError(
                            f"{response.url}: HTTP {response.status_code} after {attempt} attempt(s)"
                        )
                    return FetchResult(
                        url=str(response.url),
                        params=params,
                        status=response.status_code,
                        headers={
                            k.lower(): v
                            for k, v in response.headers.items()
                            if k.lower() not in SENSITIVE_HEADERS
                        },
                        body=body,
                        fetched_at=self._now(),
                        attempts=attempt,
                        elapsed_s=self._clock() - started,
                    )
            except (httpx.TimeoutException, httpx.TransportError) as e:
                if attempt > self.settings.max_retries:
                    raise FetchError(
                        f"{url}: {type(e).__name__} after {attempt} attempt(s): {e}"
                    ) from None
                self._wait(
                    min(self.settings.backoff_s * 2 ** (attempt - 1), self.settings.max_backoff_s)
                )
