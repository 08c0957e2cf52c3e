"""Per-paper reference forms of the enrichments: plain Python, one paper at a time, which the
vectorized frames must agree with."""

from __future__ import annotations

import math
import re

import polars as pl

from transforms.enrichment import terms
from transforms.enrichment.lexicon import GENERIC_WORDS, VERB_CONTEXT, token_table
from transforms.enrichment.links import URL as LINK_URL
from transforms.enrichment.links import link_kind, normalize_url
from transforms.enrichment.mentions import CURATED_RE, PATTERNS
from transforms.enrichment.terms import JOINED, TERMS_PER_PAPER, WEIGHTS
from warehouse.contracts import taxonomy

TOKEN = re.compile(terms.TOKEN)
URL = re.compile(terms.URL)
ACRONYM = re.compile(terms.ACRONYM)


def links(
    abstract: str | None, github_repo: str | None, project_page: str | None
) -> list[tuple[str, str, str]]:
    """(url, kind, found_in), one per normalized URL, API fields first."""
    seen: dict[str, tuple[str, str, str]] = {}
    candidates = [(github_repo, "github_repo"), (project_page, "project_page")]
    candidates += [(m.group(0), "abstract") for m in LINK_URL.finditer(abstract or "")]
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
    """Noun-phrase candidates of one paper, scored by ``WEIGHTS``: runs of non-breaking words
    trimmed to start on a non-generic word and end on a non-generic noun, their last 3 words
    (and last 2 of runs of 3 or more), features summed over the phrase's occurrences."""
    clean_title = JOINED.sub(r"\1\2", URL.sub(" . ", title or ""))
    text = JOINED.sub(r"\1\2", URL.sub(" . ", f"{title or ''} . {abstract or ''}"))
    toks = TOKEN.findall(text)
    title_len = len(TOKEN.findall(clean_title))
    if not toks:
        return []
    return _best(_phrase_features(_runs(toks), toks, title_len), limit)


Word = tuple[str, str, float, bool, str, int]  # w, kind, zipf, verbish, token, position


def _runs(toks: list[str]) -> list[list[Word]]:
    """The runs of phrase words, after the neighbour rules (verb context, gerunds)."""
    table = {
        row["tok"]: row
        for row in token_table(pl.Series(toks, dtype=pl.String)).iter_rows(named=True)
    }
    runs: list[list[Word]] = []
    run: list[Word] = []
    prev = {"w": "", "kind": "S"}
    for pos, tok in enumerate(toks):
        row = table[tok]
        kind = row["kind"]
        if row["verbish"] and prev["w"] in VERB_CONTEXT and pos:
            kind = "S"
        elif kind == "G":
            named = prev["kind"] == "A" or (prev["kind"] == "N" and not prev["w"].endswith("s"))
            kind = "N" if named and pos else "S"
        prev = row
        if kind == "S":
            if run:
                runs.append(run)
            run = []
            continue
        run.append((row["w"], kind, row["zipf"], row["verbish"], tok, pos))
    if run:
        runs.append(run)
    return runs


def _phrase_features(
    runs: list[list[Word]], toks: list[str], title_len: int
) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for words in runs:
        ends = [i for i, x in enumerate(words) if x[1] == "N" and x[0] not in GENERIC_WORDS]
        starts = [i for i, x in enumerate(words) if x[0] not in GENERIC_WORDS]
        if not ends or not starts or starts[0] > ends[-1]:
            continue
        span = words[starts[0] : ends[-1] + 1]
        phrases = [(span[-3:], 0)] + ([(span[-2:], 1)] if len(span) >= 3 else [])
        for phrase, sub in phrases:
            term = " ".join(x[0] for x in phrase)
            lead, last = phrase[0][5], phrase[-1][5]
            f = found.setdefault(
                term,
                {
                    "tf": 0,
                    "title": 0,
                    "paren": 0,
                    "vb": 0,
                    "acr": 0,
                    "cap": 0,
                    "inparen": 0,
                    "long": 0,
                    "sub": 1,
                    "first": 1.0,
                    "n": len(phrase),
                    "zmin": min(x[2] for x in phrase),
                    "zmax": max(x[2] for x in phrase),
                },
            )
            f["tf"] += 1
            f["title"] = max(f["title"], lead < title_len)
            f["paren"] = max(f["paren"], last + 1 < len(toks) and toks[last + 1] == "(")
            f["vb"] = max(f["vb"], any(x[3] for x in phrase))
            f["acr"] = max(f["acr"], any(ACRONYM.match(x[4]) for x in phrase))
            cap = all(x[4][0].isupper() for x in phrase) and lead >= title_len
            f["cap"] = max(f["cap"], cap)
            f["inparen"] = max(f["inparen"], lead > 0 and toks[lead - 1] == "(")
            f["long"] = max(f["long"], len(span) > 3)
            f["sub"] = min(f["sub"], sub)
            f["first"] = min(f["first"], lead / len(toks))
    return found


def _best(found: dict[str, dict[str, float]], limit: int) -> list[tuple[str, float]]:
    scored = []
    for term, f in found.items():
        one = f["n"] == 1
        log_tf = math.log(f["tf"])
        features = {
            "bias": 1.0,
            "one_word": one,
            "three_words": f["n"] == 3,
            "log_tf": log_tf,
            "in_title": f["title"],
            "acronym": f["acr"],
            "before_paren": f["paren"],
            "zipf_max": f["zmax"] / 7,
            "zipf_min": f["zmin"] / 7,
            "first_at": f["first"],
            "capitalized": f["cap"],
            "long_run": f["long"],
            "one_common_word": one and f["zmin"] >= 3,
            "one_word_log_tf": one * log_tf,
            "verbish": f["vb"],
            "in_paren": f["inparen"],
            "one_acronym": one and f["acr"],
            "tail_of_run": f["sub"] == 1,
        }
        logit = sum(WEIGHTS[k] * float(v) for k, v in features.items())
        scored.append((1 / (1 + math.exp(-logit)), term))
    best = sorted(scored, key=lambda st: (-st[0], st[1]))[:limit]
    return [(term, round(score, 3)) for score, term in best]


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
