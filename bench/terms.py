"""`python -m bench terms`: key phrases held against Hugging Face's ``ai_keywords``.

Every real HF daily-papers API file is ingested with its ``ai_keywords`` stripped; the
``paper_terms`` the warehouse then holds for each labelled paper are graded by
``bench.yardstick``. Also: YAKE out of the box on the same papers (when installed), the
extractor's CPU time per 20,000 papers, and with ``--fit`` the logistic weights refitted
(cross-validated across years) for ``transforms.enrichment.terms.WEIGHTS``.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench.yardstick import (
    Labelled,
    generated_hf_papers,
    labelled_papers,
    precision_recall,
    score,
    stripped,
)
from pipeline.run import run_ingest
from pipeline.settings import Settings
from transforms.enrichment.terms import TERMS_PER_PAPER, WEIGHTS, candidate_features, terms_frame

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
API = REAL / "hf_daily_papers_api"
RESULTS = Path(__file__).with_name("terms.json")
NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
PAPERS_PER_BUDGET = 20_000


def _frame(papers: list[Labelled]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "paper_id": [p.paper_id for p in papers],
            "title": [p.title for p in papers],
            "abstract": [p.abstract for p in papers],
        }
    )


def ingested_terms(api_dir: Path, work: Path) -> pl.DataFrame:
    """paper_terms after ingesting every API file of ``api_dir`` without its ai_keywords."""
    inbox = work / "inbox"
    inbox.mkdir()
    for path in sorted(api_dir.glob("*.json")):
        data = path.read_bytes()
        try:
            items = json.loads(data)
        except ValueError:
            (inbox / path.name).write_bytes(data)
            continue
        if isinstance(items, list):
            items = [stripped(it) if isinstance(it, dict) else it for it in items]
        (inbox / path.name).write_text(json.dumps(items), encoding="utf-8")
    settings = Settings.build(lake=work / "lake", inbox=inbox, now=NOW)
    run_ingest(settings, sorted(inbox.iterdir()))
    return settings.lake.scan("paper_terms").collect()


def yake_terms(papers: list[Labelled]) -> dict[str, list[str]] | None:
    try:
        import yake
    except ImportError:
        return None
    extractor = yake.KeywordExtractor(n=3, top=12)
    return {
        p.paper_id: [k for k, _ in extractor.extract_keywords(f"{p.title}. {p.abstract}")]
        for p in papers
    }


def cpu_seconds_per_budget(papers: pl.DataFrame) -> float:
    """CPU seconds ``terms_frame`` takes for ``PAPERS_PER_BUDGET`` papers (``papers`` repeated
    under new ids to that count), the best of three after a warm-up."""
    copies = -(-PAPERS_PER_BUDGET // papers.height)
    many = pl.concat(
        [papers.with_columns(pl.col("paper_id") + f"#{i}") for i in range(copies)]
    ).head(PAPERS_PER_BUDGET)
    terms_frame(papers)
    times = []
    for _ in range(3):
        t = time.process_time()
        terms_frame(many)
        times.append(time.process_time() - t)
    return round(min(times), 3)


def generated_papers(days: int = 400) -> pl.DataFrame:
    items = [p for _, p in generated_hf_papers(days, seed=3, start=date(2025, 1, 6))]
    return pl.DataFrame(
        {
            "paper_id": [p["id"] for p in items],
            "title": [p["title"] for p in items],
            "abstract": [p.get("summary") for p in items],
        }
    ).unique("paper_id", maintain_order=True)


def _targets(papers: list[Labelled], feats: pl.DataFrame) -> np.ndarray:
    # an exact keyword counts twice a part of one: recall needs exact phrases
    by_row = {i: p.keywords for i, p in enumerate(papers)}
    y = []
    for p_row, term in feats.select("_p", "term").iter_rows():
        precision, recall = precision_recall([term], by_row[p_row])
        y.append(min(1.0, 0.5 * precision + recall))
    return np.array(y)


def fit(papers: list[Labelled], steps: int = 3000, l2: float = 1.0) -> dict[str, float]:
    """Logistic weights over ``candidate_features``, by gradient descent (no solver needed)."""
    feats = candidate_features(_frame(papers))
    names = list(WEIGHTS)
    x = feats.select(names).to_numpy().astype(float)
    y = _targets(papers, feats)
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        w -= (x.T @ (p - y) + l2 * w) / len(y)
    return {n: round(float(v), 2) for n, v in zip(names, w, strict=True)}


def _graded(papers: list[Labelled], weights: dict[str, float]) -> dict[str, float]:
    terms = terms_frame(_frame(papers), weights=weights)
    return score(_by_paper(terms), papers)


def _by_paper(terms: pl.DataFrame) -> dict[str, list[str]]:
    return {pid: list(ts) for pid, ts in terms.group_by("paper_id").agg("term").iter_rows()}


def cross_validated() -> dict[str, Any]:
    """Weights fitted on one era's papers, graded on the other's (2023 vs 2025-26)."""
    papers = labelled_papers(API)
    old = [p for p in papers if p.paper_id < "2400"]
    new = [p for p in papers if p.paper_id >= "2400"]
    return {
        "fit_on_2023_graded_on_2025_26": _graded(new, fit(old)),
        "fit_on_2025_26_graded_on_2023": _graded(old, fit(new)),
        "fitted_on_all": fit(papers),
    }


def run(refit: bool = False) -> dict[str, Any]:
    if not API.is_dir():
        raise SystemExit(f"no real samples at {API}: the yardstick needs them")
    papers = labelled_papers(API)
    with tempfile.TemporaryDirectory() as tmp:
        terms = ingested_terms(API, Path(tmp))
    extracted = terms.filter(pl.col("method") == "extracted")
    figures: dict[str, Any] = {
        "command": "python -m bench terms" + (" --fit" if refit else ""),
        "terms_per_paper": TERMS_PER_PAPER,
        "paperdigest": score(_by_paper(extracted), papers),
        "goal": {"precision": 0.5, "recall": 0.3},
    }
    yake = yake_terms(papers)
    if yake is not None:
        figures["yake_0_7_n3_top12"] = score(yake, papers)
    figures["cpu_s_per_20k_papers"] = {
        "real_abstracts_repeated": cpu_seconds_per_budget(_frame(papers)),
        "generated_corpus": cpu_seconds_per_budget(generated_papers()),
        "budget": 2.0,
    }
    if refit:
        figures["fit"] = cross_validated()
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    return figures
