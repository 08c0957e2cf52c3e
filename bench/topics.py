"""`python -m bench topics`: the taxonomy's rules held against what real papers are about.

Two yardsticks, both read from ../shared at run time:

- the hand labels of ``topic_labels.csv`` (paper ids of the real HF daily-papers samples and
  the topics a reader files them under; no text of theirs is kept here): per-topic precision
  and recall of the rules on title and abstract alone (their HF keywords held out, as most
  sources give none);
- the arXiv categories real arXiv entries carry, with categories held out of the input: does
  the text alone find the topic the category names (cs.CV -> computer_vision, ...)?

And coverage: the share of the real papers (every machine-readable sample) given no topic.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from bench.terms import API, REAL
from bench.yardstick import api_items
from transforms.enrichment.topics import topics_frame

LABELS = Path(__file__).with_name("topic_labels.csv")
RESULTS = Path(__file__).with_name("topics.json")
# the taxonomy topic each arXiv category names (the rules' own category lists)
CATEGORY_TOPIC = {
    "cs.CV": "computer_vision",
    "cs.CL": "nlp",
    "cs.RO": "robotics",
    "cs.SD": "speech_audio",
    "eess.AS": "speech_audio",
    "cs.CR": "safety",
    "cs.IR": "retrieval",
    "cs.SE": "code",
}


def labels(path: Path = LABELS) -> dict[str, set[str]]:
    rows = (
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    return {r["paper_id"]: set(filter(None, r["topics"].split(";"))) for r in csv.DictReader(rows)}


def api_papers(api_dir: Path = API) -> pl.DataFrame:
    """paper_id, title, abstract of every paper of the real API files (keywords held out)."""
    found: dict[str, tuple[str, str, str]] = {}
    for _, paper in api_items(api_dir):
        found.setdefault(
            str(paper["id"]),
            (str(paper["id"]), str(paper.get("title") or ""), str(paper.get("summary") or "")),
        )
    return _frame(list(found.values()))


def _frame(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    df = pl.DataFrame(rows, schema=["paper_id", "title", "abstract"], orient="row")
    return df.with_columns(
        pl.lit(None, dtype=pl.List(pl.String)).alias("keywords"),
        pl.lit(None, dtype=pl.List(pl.String)).alias("categories"),
    )


def arxiv_entries(real: Path = REAL) -> tuple[pl.DataFrame, list[set[str]]]:
    """(paper_id, title, abstract of the real arXiv API and RSS entries; their categories)."""
    rows: list[tuple[str, str, str]] = []
    cats: list[set[str]] = []
    for path in sorted([*(real / "arxiv_api").glob("*.xml"), *(real / "arxiv_rss").glob("*.xml")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"<(entry|item)\b.*?</\1>", text, flags=re.S):
            entry = m.group(0)
            title = _tag(entry, "title")
            abstract = _tag(entry, "summary") or _tag(entry, "description")
            terms = set(re.findall(r'<category[^>]*term="([^"]+)"', entry))
            terms |= set(re.findall(r"<category[^>]*>([^<]+)</category>", entry))
            if title and terms:
                rows.append((f"x{len(rows)}", title, abstract))
                cats.append(terms)
    return _frame(rows), cats


def _tag(entry: str, name: str) -> str:
    m = re.search(rf"<{name}[^>]*>(.*?)</{name}>", entry, flags=re.S)
    return re.sub(r"<[^>]+>|&lt;[^&]*&gt;", " ", m.group(1)).strip() if m else ""


def _assigned(papers: pl.DataFrame) -> dict[str, set[str]]:
    got: dict[str, set[str]] = {pid: set() for pid in papers["paper_id"]}
    for pid, topic in topics_frame(papers).select("paper_id", "topic").iter_rows():
        got[pid].add(topic)
    return got


def per_topic(truth: dict[str, set[str]], got: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
    topics = sorted(
        {t for ts in truth.values() for t in ts} | {t for ts in got.values() for t in ts}
    )
    out = {}
    for topic in topics:
        tp = sum(topic in truth[p] and topic in got[p] for p in truth)
        fp = sum(topic not in truth[p] and topic in got[p] for p in truth)
        fn = sum(topic in truth[p] and topic not in got[p] for p in truth)
        out[topic] = {
            "labelled": tp + fn,
            "assigned": tp + fp,
            "precision": round(tp / (tp + fp), 2) if tp + fp else None,
            "recall": round(tp / (tp + fn), 2) if tp + fn else None,
        }
    return out


def _micro(truth: dict[str, set[str]], got: dict[str, set[str]]) -> dict[str, float]:
    tp = sum(len(truth[p] & got[p]) for p in truth)
    return {
        "precision": round(tp / max(1, sum(len(got[p]) for p in truth)), 3),
        "recall": round(tp / max(1, sum(len(truth[p]) for p in truth)), 3),
    }


def run() -> dict[str, Any]:
    if not API.is_dir():
        raise SystemExit(f"no real samples at {API}: the topic bench needs them")
    truth = labels()
    papers = api_papers()
    got_all = _assigned(papers)
    labelled = {p: got_all.get(p, set()) for p in truth}
    entries, categories = arxiv_entries()
    got_entries = _assigned(entries)
    by_category: dict[str, dict[str, int]] = {}
    for pid, cats in zip(entries["paper_id"], categories, strict=True):
        for cat in sorted(cats & set(CATEGORY_TOPIC)):
            row = by_category.setdefault(cat, {"entries": 0, "text_finds_topic": 0})
            row["entries"] += 1
            row["text_finds_topic"] += CATEGORY_TOPIC[cat] in got_entries[pid]
    no_topic = [p for p, ts in got_all.items() if not ts]
    figures = {
        "command": "python -m bench topics",
        "labelled_papers": len(truth),
        "micro": _micro(truth, labelled),
        "per_topic": per_topic(truth, labelled),
        "arxiv_categories_held_out": by_category,
        "coverage": {
            "papers": len(got_all),
            "no_topic": len(no_topic),
            "share_no_topic": round(len(no_topic) / max(1, len(got_all)), 3),
        },
    }
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    return figures
