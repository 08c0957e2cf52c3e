"""Key phrases held against Hugging Face's own ``ai_keywords``: precision and recall per paper.

A term is right when it equals one of the paper's keywords or is a whole-word part of one;
a keyword of 1-3 words is found when it is among the paper's terms. Both compare folded forms:
lowercase, hyphens and spaces folded, a plural ``s`` dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path

_SPLIT = re.compile(r"[\s\-‐‑–—_/]+")
# "(CFG)" is the whole word "cfg"
_EDGE = re.compile(r"^\W+|\W+$")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def folded_words(phrase: str) -> list[str]:
    """The words of ``phrase`` as the yardstick compares them."""
    words = (_EDGE.sub("", w) for w in _SPLIT.split(phrase.lower().strip()))
    return [_singular(w) for w in words if w]


def _joined(words: Iterable[str]) -> str:
    return "".join(words)


@dataclass(frozen=True)
class Labelled:
    """A real paper with Hugging Face's keywords (the input the extractor sees has none)."""

    paper_id: str
    title: str
    abstract: str
    keywords: tuple[str, ...]


def api_items(api_dir: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(item, its paper) of every HF daily-papers API file in ``api_dir`` (files that are not
    a JSON list, such as error bodies, skipped)."""
    for path in sorted(api_dir.glob("*.json")):
        yield from api_items_of(path)


def api_items_of(path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(item, its paper) of one API file; nothing when it is not a JSON list."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return
    for item in items if isinstance(items, list) else []:
        paper = item.get("paper", item) if isinstance(item, dict) else None
        if isinstance(paper, dict) and paper.get("id"):
            yield item, paper


def generated_hf_papers(days: int, seed: int, start: date) -> list[tuple[date, dict[str, Any]]]:
    """(day, paper) of every HF daily JSON item the synthetic generator writes for ``days``
    days of 50 papers from ``start``."""
    import tempfile
    from pathlib import Path

    from samples.generator import SampleSpec, generate

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        generate(SampleSpec(days=days, seed=seed, start=start, per_day=50), Path(tmp))
        for path in sorted(Path(tmp).glob("hf_daily_papers_*.json")):
            day = date.fromisoformat(path.stem.rsplit("_", 1)[1])
            for _, paper in api_items_of(path):
                out.append((day, paper))
    return out


def labelled_papers(api_dir: Path) -> list[Labelled]:
    """Every paper of the HF daily-papers API files in ``api_dir`` that has ``ai_keywords``."""
    found: dict[str, Labelled] = {}
    for _, paper in api_items(api_dir):
        if paper.get("ai_keywords"):
            found.setdefault(
                str(paper["id"]),
                Labelled(
                    str(paper["id"]),
                    str(paper.get("title") or ""),
                    str(paper.get("summary") or ""),
                    tuple(str(k) for k in paper["ai_keywords"]),
                ),
            )
    return list(found.values())


def stripped(item: dict[str, object]) -> dict[str, object]:
    """An API item without the keywords the yardstick grades against."""
    out = dict(item)
    paper = out.get("paper")
    if isinstance(paper, dict):
        out["paper"] = {k: v for k, v in paper.items() if k != "ai_keywords"}
    else:
        out.pop("ai_keywords", None)
    return out


def precision_recall(terms: Iterable[str], keywords: Iterable[str]) -> tuple[float, float]:
    """(share of ``terms`` that are a keyword or a whole-word part of one, share of the 1-3
    word ``keywords`` found among ``terms``); NaN-free: an empty side scores 0."""
    kw_words = [folded_words(k) for k in keywords]
    parts = {
        _joined(words[i:j])
        for words in kw_words
        for i in range(len(words))
        for j in range(i + 1, len(words) + 1)
    }
    term_forms = {_joined(folded_words(t)) for t in terms}
    term_list = [_joined(folded_words(t)) for t in terms]
    precision = sum(t in parts for t in term_list) / len(term_list) if term_list else 0.0
    short = [_joined(w) for w in kw_words if 1 <= len(w) <= 3]
    recall = sum(k in term_forms for k in short) / len(short) if short else 0.0
    return precision, recall


def score(
    terms_by_paper: Mapping[str, Iterable[str]], papers: Iterable[Labelled]
) -> dict[str, float]:
    """Mean precision and recall over ``papers`` (a paper with no terms scores 0 on both)."""
    pairs = [precision_recall(terms_by_paper.get(p.paper_id, ()), p.keywords) for p in papers]
    n = len(pairs) or 1
    return {
        "papers": len(pairs),
        "precision": round(sum(p for p, _ in pairs) / n, 3),
        "recall": round(sum(r for _, r in pairs) / n, 3),
    }
