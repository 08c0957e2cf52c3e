"""Links: code, data and project URLs from a paper's API fields and its abstract."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import polars as pl

URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]}]+|\bgithub\.com/[\w.\-]+/[\w.\-]+", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}>'\"`*"
_DATA_HOSTS = ("huggingface.co/datasets", "zenodo.org", "kaggle.com", "figshare.com", "dataverse")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


def normalize_url(url: str) -> str | None:
    u = url.strip().rstrip(_TRAILING)
    if u.lower().startswith("www.") or u.lower().startswith("github.com/"):
        u = "https://" + u
    parts = urlsplit(u)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or "." not in host:
        return None
    path = parts.path.rstrip("/")
    if host in _CODE_HOSTS:
        segs = [s for s in path.split("/") if s][:2]
        if len(segs) < 2:
            return None
        owner, repo = segs[0], segs[1].removesuffix(".git")
        return f"https://{host}/{owner}/{repo}"
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{path}{query}"


def link_kind(url: str, found_in: str) -> str:
    low = url.lower()
    if any(h in low for h in _DATA_HOSTS):
        return "data"
    if any(f"//{h}/" in low for h in _CODE_HOSTS):
        return "code"
    if found_in == "project_page" or ".github.io" in low:
        return "project"
    return "other"


def links_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """The links of many papers at once: columns paper_id, url, kind, found_in.

    URLs are found by Polars over every abstract; only the (few) distinct raw URLs go through
    Python's ``urlsplit`` to be normalized.
    """
    s = pl.String
    found = pl.concat(
        [
            papers.select(
                "paper_id", pl.col("github_repo").alias("raw"), pl.lit("github_repo").alias("w")
            ).with_columns(pl.lit(0, pl.Int64).alias("_o")),
            papers.select(
                "paper_id", pl.col("project_page").alias("raw"), pl.lit("project_page").alias("w")
            ).with_columns(pl.lit(1, pl.Int64).alias("_o")),
            papers.select(
                "paper_id",
                pl.col("abstract").str.extract_all(f"(?i){URL.pattern}").alias("raw"),
                pl.lit("abstract").alias("w"),
            )
            .explode("raw")
            .with_columns((pl.int_range(pl.len()).over("paper_id") + 2).alias("_o")),
        ]
    ).filter(pl.col("raw").is_not_null() & (pl.col("raw") != ""))
    urls = found.select("raw").unique()
    normalized = urls.with_columns(
        pl.col("raw").map_elements(normalize_url, return_dtype=s).alias("url")
    )
    resolved = (
        found.join(normalized, on="raw", how="left")
        .drop_nulls("url")
        .sort("paper_id", "_o", maintain_order=True)
        .unique(["paper_id", "url"], keep="first", maintain_order=True)
    )
    kinds = resolved.select("url", "w").unique()
    kinds = kinds.with_columns(
        pl.struct("url", "w")
        .map_elements(lambda r: link_kind(r["url"], r["w"]), return_dtype=s)
        .alias("kind")
    )
    return resolved.join(kinds, on=["url", "w"], how="left", maintain_order="left").select(
        "paper_id", "url", "kind", pl.col("w").alias("found_in")
    )
