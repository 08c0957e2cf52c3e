"""Mentions: the datasets and benchmarks a paper names, curated or benchmark-shaped."""

from __future__ import annotations

import re

import polars as pl

CURATED = {
    "ImageNet-1K": "dataset",
    "ImageNet": "dataset",
    "COCO": "dataset",
    "MS MARCO": "dataset",
    "Ego4D": "dataset",
    "LibriSpeech": "dataset",
    "Common Crawl": "dataset",
    "The Pile": "dataset",
    "LAION-5B": "dataset",
    "LAION": "dataset",
    "ShareGPT": "dataset",
    "Wikipedia": "dataset",
    "CIFAR-10": "dataset",
    "CIFAR-100": "dataset",
    "SQuAD": "dataset",
    "Natural Questions": "dataset",
    "KITTI": "dataset",
    "nuScenes": "dataset",
    "ScanNet": "dataset",
    "Objaverse": "dataset",
    "AudioSet": "dataset",
    "Kinetics-400": "dataset",
    "GSM8K": "benchmark",
    "MATH": "benchmark",
    "MMLU": "benchmark",
    "MMLU-Pro": "benchmark",
    "HumanEval": "benchmark",
    "MBPP": "benchmark",
    "SWE-bench": "benchmark",
    "BIG-Bench": "benchmark",
    "HellaSwag": "benchmark",
    "ARC": "benchmark",
    "TruthfulQA": "benchmark",
    "GPQA": "benchmark",
    "MT-Bench": "benchmark",
    "AlpacaEval": "benchmark",
    "VBench": "benchmark",
    "MMMU": "benchmark",
    "VQAv2": "benchmark",
    "LongBench": "benchmark",
    "BEIR": "benchmark",
    "GLUE": "benchmark",
    "SuperGLUE": "benchmark",
    "AIME": "benchmark",
    "LiveCodeBench": "benchmark",
    "WebArena": "benchmark",
    "MathVista": "benchmark",
}
CURATED_RE = [
    (name, kind, re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])"))
    for name, kind in CURATED.items()
]
PATTERNS = [
    (re.compile(r"\b[A-Z][A-Za-z0-9]*-?Bench(?:mark)?\b"), "benchmark"),
    (re.compile(r"\b[A-Z][A-Za-z0-9]*(?:QA|Eval)\b"), "benchmark"),
]
_CURATED_ALT = "|".join(re.escape(n) for n in sorted(CURATED, key=len, reverse=True))


def mentions_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """Dataset and benchmark mentions of many papers at once: columns paper_id, name, kind,
    method (curated names first, then benchmark-shaped names)."""
    text = pl.concat_str(
        [pl.col("title").fill_null(""), pl.col("abstract").fill_null("")], separator="\n"
    )
    base = papers.select("paper_id", text.alias("text"))
    curated = (
        base.select(
            "paper_id", pl.col("text").str.extract_all(rf"\b(?:{_CURATED_ALT})\b").alias("name")
        )
        .explode("name")
        .drop_nulls("name")
        .with_columns(
            pl.col("name").replace_strict(CURATED, default=None).alias("kind"),
            pl.lit("curated").alias("method"),
        )
        .drop_nulls("kind")
    )
    patterned = []
    for pattern, kind in PATTERNS:
        patterned.append(
            base.select("paper_id", pl.col("text").str.extract_all(pattern.pattern).alias("name"))
            .explode("name")
            .drop_nulls("name")
            .filter(~pl.col("name").is_in(["Bench", "Benchmark"]))
            .with_columns(pl.lit(kind).alias("kind"), pl.lit("pattern").alias("method"))
        )
    both = pl.concat([curated, *patterned]).with_row_index("_order")
    # one row per paper and name (case-insensitively), curated names first
    return (
        both.with_columns(pl.col("name").str.to_lowercase().alias("_k"))
        .unique(["paper_id", "_k"], keep="first", maintain_order=True)
        .sort("paper_id", "_order")
        .select("paper_id", "name", "kind", "method")
    )
