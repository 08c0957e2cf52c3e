"""Per-paper reference forms of the enrichments: plain Python, one paper at a time, which the
vectorized frames must agree with."""

from __future__ import annotations

import re
from collections import Counter

from transforms.enrichment.links import URL, link_kind, normalize_url
from transforms.enrichment.mentions import CURATED_RE, PATTERNS
from transforms.enrichment.terms import (
    BREAK_CHARS,
    STOP_WORDS,
    TERMS_PER_PAPER,
    WORD,
    normalize_term_text,
)
from warehouse.contracts import taxonomy


def links(
    abstract: str | None, github_repo: str | None, project_page: str | None
) -> list[tuple[str, str, str]]:
    """(url, kind, found_in), one per normalized URL, API fields first."""
    seen: dict[str, tuple[str, str, str]] = {}
    candidates = [(github_repo, "github_repo"), (project_page, "project_page")]
    candidates += [(m.group(0), "abstract") for m in URL.finditer(abstract or "")]
    for raw, where in candidates:
        if not raw:
            continue
        url = normalize_url(raw)
        if url and url not in seen:
            seen[url] = (url, link_kind(url, where), where)
    return list(seen.values())


def key_phrases(
    title: str, abstract: str | None, limit: int = TERMS_PER_PAPER
) -> list[tuple[str, float]]:
    """RAKE-style phrases: 2-3 word windows of content-word runs, scored by word degree/frequency.

    Per paper, so a run's cost does not depend on the corpus; corpus statistics (what is
    rising) are computed by the views from these per-paper terms.
    """
    text = normalize_term_text(f"{title}. {abstract or ''}")
    phrases: list[list[str]] = []
    for sentence in re.split(f"[{BREAK_CHARS}]", text):
        run: list[str] = []
        for word in WORD.findall(sentence):
            w = word.strip("-")
            if w in STOP_WORDS or len(w) < 3 or w.isdigit():
                if run:
                    phrases.append(run)
                run = []
            else:
                run.append(w)
        if run:
            phrases.append(run)
    freq: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for run in phrases:
        for w in run:
            freq[w] += 1
            degree[w] += min(len(run), 3)
    # candidates: the 2- and 3-word windows of each run (a lone word stands alone), so papers
    # share terms like "diffusion models" even when their longest phrases differ
    scored: dict[str, float] = {}
    for run in phrases:
        windows = (
            [run]
            if len(run) == 1
            else [run[i : i + n] for n in (2, 3) for i in range(len(run) - n + 1)]
        )
        for chunk in windows:
            phrase = " ".join(chunk)
            scored[phrase] = max(
                scored.get(phrase, 0.0), sum(degree[w] / freq[w] for w in chunk) / len(chunk)
            )
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(p, round(s, 3)) for p, s in best]


def mentions(title: str, abstract: str | None) -> list[tuple[str, str, str]]:
    """(name, kind, method): curated names first, then benchmark-shaped names."""
    text = f"{title}\n{abstract or ''}"
    found: dict[str, tuple[str, str, str]] = {}
    for name, kind, pattern in CURATED_RE:
        if pattern.search(text):
            found.setdefault(name.casefold(), (name, kind, "curated"))
    # (a name inside a longer one, "ImageNet" in "ImageNet-1K", does not match: see CURATED_RE)
    for pattern, kind in PATTERNS:
        for m in pattern.finditer(text):
            name = m.group(0)
            if name.casefold() not in found and name not in ("Bench", "Benchmark"):
                found[name.casefold()] = (name, kind, "pattern")
    return list(found.values())


def topics(
    title: str, abstract: str | None, keywords: list[str] | None, categories: list[str] | None
) -> list[tuple[str, float, str]]:
    return taxonomy.assign(title, abstract, keywords, categories)
