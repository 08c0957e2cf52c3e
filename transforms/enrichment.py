"""Enrichment tables for the papers a run touches: rows to upsert, stale rows to delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from transforms import enrich
from warehouse.contracts import BY_NAME
from warehouse.contracts.taxonomy import TAXONOMY_VERSION

if TYPE_CHECKING:
    from transforms.normalize import Staged

ENRICHMENT_TABLES = ("paper_links", "paper_topics", "paper_terms", "paper_mentions")


# papers per slice: the token frames of key phrases take ~40 KB a paper, so slices keep a
# 50,000-paper backfill batch's enrichment within a few hundred MB
SLICE_PAPERS = 5_000


def enrichment_frames(papers: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Each enrichment table's rows for ``papers`` (the merged rows of this run)."""
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in ENRICHMENT_TABLES}
    # regex work over every paper at once, in Polars (Rust, all cores), never a Python loop;
    # every result is per paper, so slices give exactly the rows the whole frame would
    for chunk in papers.iter_slices(SLICE_PAPERS):
        parts["paper_links"].append(enrich.links_frame(chunk))
        parts["paper_terms"].append(enrich.terms_frame(chunk))
        parts["paper_topics"].append(
            enrich.topics_frame(chunk).with_columns(
                pl.lit(TAXONOMY_VERSION).alias("taxonomy_version")
            )
        )
        parts["paper_mentions"].append(enrich.mentions_frame(chunk))
    frames = {}
    for name, dfs in parts.items():
        contract = BY_NAME[name]
        df = pl.concat(dfs, how="vertical_relaxed") if dfs else contract.empty_frame()
        frames[name] = contract.conform(df).unique(
            list(contract.key), keep="first", maintain_order=True
        )
    return frames


def add_enrichments(staged: Staged, published_keys: dict[str, pl.DataFrame]) -> None:
    """Add the enrichment tables to ``staged``; published rows they no longer produce are deleted."""
    papers = staged.tables["papers"]
    staged.tables["papers"] = papers.with_columns(
        pl.col("title").map_elements(enrich.short_name, return_dtype=pl.String).alias("short_name")
    )
    for name, rows in enrichment_frames(staged.tables["papers"]).items():
        key = list(BY_NAME[name].key)
        staged.tables[name] = rows
        old = published_keys.get(name)
        if old is not None and old.height:
            staged.deletes[name] = old.join(rows.select(key), on=key, how="anti")
