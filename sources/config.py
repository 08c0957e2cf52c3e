"""The settings file (TOML) for fetching and schedules. Every key is optional; defaults below.

```toml
[hf]
base_url = "https://huggingface.co"
schedule = "30 6 * * *"        # cron, UTC: every day
refetch_days = 7                # re-fetch the last N days: snapshots are incomplete, upvotes move

[arxiv]
rss_base_url = "https://rss.arxiv.org"
api_base_url = "https://export.arxiv.org"
categories = ["cs.AI", "cs.CL", "cs.LG", "cs.CV"]
schedule = "0 5 * * 1-5"       # weekdays: arXiv announces Sunday-Thursday nights ET

[http]
timeout_s = 30
max_retries = 4
max_bytes = 50000000
user_agent = "paperdigest/0.1 (research digest archiver)"
default_interval_s = 0.5
[http.rate_limits]              # seconds between requests to one host
"export.arxiv.org" = 3.0
"rss.arxiv.org" = 3.0
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sources.catalog import SourceUrls
from sources.http import HttpSettings


@dataclass(frozen=True)
class HfConfig:
    base_url: str = "https://huggingface.co"
    schedule: str = "30 6 * * *"
    refetch_days: int = 7


@dataclass(frozen=True)
class ArxivConfig:
    rss_base_url: str = "https://rss.arxiv.org"
    api_base_url: str = "https://export.arxiv.org"
    categories: tuple[str, ...] = ("cs.AI", "cs.CL", "cs.LG", "cs.CV")
    schedule: str = "0 5 * * 1-5"


@dataclass(frozen=True)
class Config:
    hf: HfConfig = field(default_factory=HfConfig)
    arxiv: ArxivConfig = field(default_factory=ArxivConfig)
    http: HttpSettings = field(default_factory=HttpSettings)
    source_file: str | None = None

    @property
    def urls(self) -> SourceUrls:
        return SourceUrls(
            hf=self.hf.base_url.rstrip("/"),
            arxiv_rss=self.arxiv.rss_base_url.rstrip("/"),
            arxiv_api=self.arxiv.api_base_url.rstrip("/"),
        )


class ConfigError(ValueError):
    pass


def _section(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(
            f"[{where}]: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    values = dict(data)
    if "categories" in values:
        values["categories"] = tuple(values["categories"])
    if "rate_limits" in values:
        values["rate_limits"] = {**HttpSettings().rate_limits, **values["rate_limits"]}
    try:
        return cls(**values)
    except TypeError as e:
        raise ConfigError(f"[{where}]: {e}") from None


def load_config(path: str | Path | None) -> Config:
    """Read the settings file; a missing path gives the defaults, a bad one a clear error."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise ConfigError(f"settings file not found: {p}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    unknown = sorted(set(data) - {"hf", "arxiv", "http"})
    if unknown:
        raise ConfigError(f"{p}: unknown section(s) {', '.join(unknown)}; known: hf, arxiv, http")
    return Config(
        hf=_section(HfConfig, data.get("hf", {}), "hf"),
        arxiv=_section(ArxivConfig, data.get("arxiv", {}), "arxiv"),
        http=_section(HttpSettings, data.get("http", {}), "http"),
        source_file=str(p),
    )
