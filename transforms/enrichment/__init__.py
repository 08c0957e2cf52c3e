"""Enrichment tables for the papers a run touches: rows to upsert, stale rows to delete."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.enrichment.links import links_frame
from transforms.enrichment.mentions import mentions_frame
from transforms.enrichment.short_names import short_name
from transforms.enrichment.terms import terms_frame, with_source_keywords
from transforms.enrichment.topics import topics_frame
from warehouse.contracts import BY_NAME
from warehouse.contracts.taxonomy import TAXONOMY_VERSION

ENRICHMENT_TABLES = ("paper_links", "paper_topics", "paper_terms", "paper_mentions")

# every column an enrichment reads: a paper's enrichment is a function of these alone
ENRICHMENT_INPUTS = ("title", "abstract", "keywords", "categories", "github_repo", "project_page")


# papers per slice: the token frames of key phrases take ~40 KB a paper, so slices keep a
# 50,000-paper backfill batch's enrichment within a few hundred MB
SLICE_PAPERS = 5_000


def _computed(papers: pl.DataFrame) -> dict[str, pl.DataFrame]:
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in ENRICHMENT_TABLES}
    # regex work over every paper at once, in Polars (Rust, all cores), never a Python loop;
    # every result is per paper, so slices give exactly the rows the whole frame would
    for chunk in papers.iter_slices(SLICE_PAPERS):
        parts["paper_links"].append(links_frame(chunk))
        parts["paper_terms"].append(with_source_keywords(terms_frame(chunk), chunk))
        parts["paper_topics"].append(
            topics_frame(chunk).with_columns(pl.lit(TAXONOMY_VERSION).alias("taxonomy_version"))
        )
        parts["paper_mentions"].append(mentions_frame(chunk))
    return {
        name: pl.concat(dfs, how="vertical_relaxed") if dfs else BY_NAME[name].empty_frame()
        for name, dfs in parts.items()
    }


@dataclass
class EnrichmentMemo:
    """Enrichments computed ahead, by content: each distinct ``ENRICHMENT_INPUTS`` row (``_c``
    its number) and every enrichment table's rows for it, ``_c`` in place of the paper id.

    A process parsing the next batch fills it from what the batch's digests say, so the run
    that stages the batch only computes the papers whose merged content it does not hold
    (a published paper's older fields filling the batch's gaps).
    """

    inputs: pl.DataFrame
    rows: dict[str, pl.DataFrame]

    @classmethod
    def of(cls, papers: pl.DataFrame) -> EnrichmentMemo:
        inputs = papers.select(ENRICHMENT_INPUTS).unique(maintain_order=True).with_row_index("_c")
        numbered = inputs.with_columns(pl.col("_c").cast(pl.String).alias("paper_id"))
        return cls(
            inputs,
            {
                name: df.with_columns(pl.col("paper_id").cast(pl.UInt32).alias("_c")).drop(
                    "paper_id"
                )
                for name, df in _computed(numbered).items()
            },
        )

    def split(self, papers: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
        """(each table's rows for the papers whose content is held here, the other papers)."""
        held = (
            papers.select("paper_id", *ENRICHMENT_INPUTS)
            .join(self.inputs, on=ENRICHMENT_INPUTS, how="left", nulls_equal=True)
            .filter(pl.col("_c").is_not_null())
            .select("paper_id", "_c")
        )
        found = {
            name: held.join(rows, on="_c", maintain_order="left_right").drop("_c")
            for name, rows in self.rows.items()
        }
        return found, papers.join(held, on="paper_id", how="anti")


def enrichment_frames(
    papers: pl.DataFrame, memo: EnrichmentMemo | None = None
) -> dict[str, pl.DataFrame]:
    """Each enrichment table's rows for ``papers`` (the merged rows of this run); those whose
    content ``memo`` holds are taken from it."""
    found: dict[str, pl.DataFrame] = {}
    if memo is not None:
        found, papers = memo.split(papers)
    frames = {}
    for name, df in _computed(papers).items():
        contract = BY_NAME[name]
        rows = contract.conform(df)
        if name in found:
            rows = pl.concat([contract.conform(found[name]), rows])
        frames[name] = rows.unique(list(contract.key), keep="first", maintain_order=True)
    return frames


def add_enrichments(
    tables: dict[str, pl.DataFrame],
    deletes: dict[str, pl.DataFrame],
    published_keys: dict[str, pl.DataFrame],
    memo: EnrichmentMemo | None = None,
) -> None:
    """Add each paper's short name and the enrichment tables to a run's staged ``tables``; the
    published rows they no longer produce go to ``deletes``."""
    tables["papers"] = tables["papers"].with_columns(
        pl.col("title").map_elements(short_name, return_dtype=pl.String).alias("short_name")
    )
    frames = enrichment_frames(tables["papers"], memo)
    tables.update(frames)
    deletes.update(stale_keys(frames, published_keys))


def stale_keys(
    frames: dict[str, pl.DataFrame], published_keys: dict[str, pl.DataFrame]
) -> dict[str, pl.DataFrame]:
    """Per enrichment table, the published keys (of the same papers) that ``frames`` no longer
    produce: the rows to delete."""
    out = {}
    for name, rows in frames.items():
        key = list(BY_NAME[name].key)
        old = published_keys.get(name)
        if old is not None and old.height:
            out[name] = old.join(rows.select(key), on=key, how="anti")
    return out
