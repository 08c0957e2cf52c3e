"""The near-title matches a batch can make (``transforms.near_titles``): its title-only entries
against id-bearing papers listed within the window, in the batch or published, and its
id-bearing entries against published title-only papers. The lake is read only for what the
batch has: no title-only entry, no scan of id-bearing papers, and the other way round."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import polars as pl

from transforms.identity import TITLE_KEY_PREFIX
from transforms.near_titles import SIDE_SCHEMA, WINDOW_DAYS, near_matches

if TYPE_CHECKING:
    from transforms.normalize import DatedFile
    from warehouse.lake import Lake


def _listed(parsed: list[DatedFile]) -> pl.DataFrame:
    """Every entry of the batch: title_key, arxiv_id, title (as seen), day."""
    frames = [
        f.digest.entries.select(
            "title_key", "arxiv_id", pl.col("title_seen").alias("title")
        ).with_columns(pl.lit(f.digest_date, dtype=pl.Date).alias("day"))
        for f in parsed
    ]
    schema = {"title_key": pl.String, "arxiv_id": pl.String, "title": pl.String, "day": pl.Date}
    return pl.concat([pl.DataFrame(schema=schema), *frames])


def _in_window(lo: object, hi: object) -> pl.Expr:
    window = timedelta(days=WINDOW_DAYS)
    return (pl.col("last_seen") >= pl.lit(lo) - window) & (
        pl.col("first_seen") <= pl.lit(hi) + window
    )


def _published(lake: Lake, which: pl.Expr, days: pl.Series) -> pl.DataFrame:
    papers = lake.scan("papers").filter(which & _in_window(days.min(), days.max()))
    return papers.select(
        "paper_id", "title", pl.col("first_seen").alias("lo"), pl.col("last_seen").alias("hi")
    ).collect()


def near_title_matches(parsed: list[DatedFile], lake: Lake, untitled: list[str]) -> pl.DataFrame:
    """title_key, paper_id, score of each title key of the batch or of a published title-only
    paper that almost matches exactly one id-bearing paper (``near_titles.near_matches``).

    ``untitled``: the batch's title keys that no entry of the batch with an id shares; those
    a published paper or alias resolves exactly are left to that."""
    listed = _listed(parsed)
    exact = set(
        lake.scan_with_keys("papers", {"title_key": untitled})
        .filter(pl.col("title_key").is_in(untitled) & pl.col("arxiv_id").is_not_null())
        .select("title_key")
        .collect()["title_key"]
    ) | set(
        lake.scan_with_keys("paper_aliases", {"alias_id": untitled})
        .filter(pl.col("alias_id").is_in(untitled))
        .select("alias_id")
        .collect()["alias_id"]
    )
    title_only = (
        listed.filter(pl.col("title_key").is_in(untitled) & ~pl.col("title_key").is_in(list(exact)))
        .group_by("title_key")
        .agg(
            pl.col("title").first(),
            pl.col("day").min().alias("lo"),
            pl.col("day").max().alias("hi"),
        )
    )
    with_id = listed.filter(pl.col("arxiv_id").is_not_null())
    id_bearing = (
        with_id.group_by("arxiv_id", "title")
        .agg(pl.col("day").min().alias("lo"), pl.col("day").max().alias("hi"))
        .rename({"arxiv_id": "paper_id"})
    )
    frames_ids = [id_bearing]
    if title_only.height:
        frames_ids.append(
            _published(
                lake, pl.col("arxiv_id").is_not_null(), title_only["lo"].append(title_only["hi"])
            )
        )
    frames_titles = [title_only]
    if with_id.height:
        # title-keyed papers are the keys from "t:" on: only their files are read
        keyed = (pl.col("paper_id") >= TITLE_KEY_PREFIX) & (pl.col("paper_id") < "t;")
        published_titles = _published(lake, keyed & pl.col("arxiv_id").is_null(), with_id["day"])
        frames_titles.append(published_titles.rename({"paper_id": "title_key"}))
    schema = {"title_key": pl.String, **SIDE_SCHEMA}
    titles = (
        pl.concat([pl.DataFrame(schema=schema), *[f.select(*schema) for f in frames_titles]])
        .group_by("title_key")
        .agg(pl.col("title").first(), pl.col("lo").min(), pl.col("hi").max())
    )
    ids = pl.concat(
        [
            pl.DataFrame(schema={"paper_id": pl.String, **SIDE_SCHEMA}),
            *[f.select("paper_id", *SIDE_SCHEMA) for f in frames_ids],
        ]
    ).unique()
    return near_matches(titles, ids)
