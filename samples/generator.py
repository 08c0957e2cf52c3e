"""Deterministic synthetic digests: realistic titles, abstracts, authors, recurrence, upvote curves.

Written by us (no real text is copied). The bundled samples and the benchmarks both come from
here, so ``generate(days, seed)`` must give the same bytes for the same arguments, always.
"""

from __future__ import annotations

import hashlib
import json
import random
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from multiprocessing import get_context
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_NAMES = [
    "Aria",
    "Bo",
    "Chen",
    "Dario",
    "Elif",
    "Farah",
    "Goran",
    "Hana",
    "Ines",
    "Jun",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Ana",
    "Bruno",
    "Chiara",
    "Dmitri",
]
_SURNAMES = [
    "Abara",
    "Berg",
    "Castillo",
    "Dong",
    "Eriksen",
    "Fujita",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Liu",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rahman",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Wang",
    "Xu",
    "Yilmaz",
    "Zhou",
    "Müller",
    "Søndergaard",
    "Núñez",
    "Łukasz",
]
_PREFIX = [
    "Neo",
    "Hyper",
    "Omni",
    "Flash",
    "Deep",
    "Meta",
    "Uni",
    "Proto",
    "Quant",
    "Sparse",
    "Long",
    "Echo",
    "Astra",
    "Lumen",
    "Vera",
    "Kite",
    "Orca",
    "Tiny",
    "Mamba",
    "Flux",
]
_SUFFIX = [
    "LM",
    "Gen",
    "Bench",
    "Former",
    "Diff",
    "Agent",
    "VL",
    "RL",
    "Net",
    "Coder",
    "Mix",
    "Fusion",
]
_ADJ = [
    "Scalable",
    "Efficient",
    "Robust",
    "Unified",
    "Self-Supervised",
    "Training-Free",
    "Multilingual",
    "Long-Context",
    "Parameter-Efficient",
    "Interpretable",
    "Real-Time",
    "Open",
]
_METHOD = [
    "Preference Optimization",
    "Mixture-of-Experts Routing",
    "Diffusion Distillation",
    "Token Merging",
    "Retrieval Augmentation",
    "Curriculum Learning",
    "Speculative Decoding",
    "Reward Modeling",
    "Continual Pre-training",
    "Sparse Attention",
    "Model Merging",
    "Chain-of-Thought Supervision",
    "Quantization-Aware Training",
    "World Modeling",
]
_TASK = [
    "Video Generation",
    "Code Synthesis",
    "Mathematical Reasoning",
    "Robot Manipulation",
    "Medical Report Generation",
    "Speech Recognition",
    "Text-to-Music",
    "Document Understanding",
    "Web Agents",
    "3D Scene Reconstruction",
    "Protein Design",
    "Machine Translation",
    "Visual Question Answering",
    "Multimodal Retrieval",
    "Autonomous Driving",
]
_DATASETS = [
    "ImageNet-1K",
    "MS MARCO",
    "Ego4D",
    "GSM8K",
    "HumanEval",
    "LibriSpeech",
    "COCO",
    "MMLU",
    "SWE-bench",
    "VBench",
]
_OPENERS = [
    "{task} remains challenging for current {family} because {problem}.",
    "Recent {family} have made rapid progress on {task}, yet {problem}.",
    "Despite strong results on {dataset}, {family} for {task} still suffer because {problem}.",
]
_PROBLEMS = [
    "training cost grows quadratically with sequence length",
    "supervision is scarce and noisy",
    "evaluation protocols are inconsistent",
    "inference latency limits deployment",
    "errors compound over long horizons",
]
_FAMILIES = [
    "large language models",
    "diffusion models",
    "vision-language models",
    "reinforcement learning agents",
    "speech foundation models",
]
_BODY = [
    "We introduce {name}, a {adj} approach based on {method}.",
    "{name} combines {method} with a lightweight controller that adapts to each input.",
    "Experiments on {dataset} show that {name} improves accuracy by {gain:.1f} points while using {saving}% less compute.",
    "We further analyse failure cases and find that {method} is most helpful on long inputs.",
    "Code and models are available at https://github.com/{org}/{repo}.",
]


@dataclass
class SamplePaper:
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    published: date
    first_day: int
    days: int
    peak: int
    keywords: list[str]
    github_repo: str | None
    text_only_until: int = -1  # days before this index show it only in page text (no id)
    upvotes_by_day: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleSpec:
    days: int
    seed: int
    start: date
    per_day: int = 12
    text_every: int = 4  # every Nth day is a page-text digest instead of JSON
    # arXiv RSS listings on weekdays, one per category (real volumes: ~300 items each)
    rss_categories: tuple[str, ...] = ()
    rss_per_weekday: int = 300
    # a weekly page-text digest every Monday: the previous week's most upvoted papers
    weekly_text: bool = False


# a model name's middle syllable and version tag, picked by a hash of the paper (the random
# streams stay as they were): real titles are nearly unique, but the lists alone give ~600,000
# titles, so most of a five-year corpus's million papers would share a title with an unrelated
# paper and merge into it (77% did: every title-only entry re-opened a years-old paper)
_MID = ["", "o", "a", "i", "Bit", "Core", "Sky", "Star", "Wave", "Mind", "Lens", "Grid", "Path"]
_MID += ["Loop", "Seed", "Leaf", "Spark", "Rune", "Pulse", "Forge", "Tide", "Glow", "Nova"]
_MID += ["Zen", "Axis", "Drift", "Shard", "Crest", "Vox", "Hive", "Link", "Ray", "Stream"]
_TAG = ["", "", "-2", "-3", "-XL", "-Lite", "-Pro", "-Mini", "-Zero", "-R1", "-X", "-Edge"]


def _paper(rng: random.Random, day: int, d: date, serial: int) -> SamplePaper:
    prefix, suffix = rng.choice(_PREFIX), rng.choice(_SUFFIX)
    adj, method, task = rng.choice(_ADJ), rng.choice(_METHOD), rng.choice(_TASK)
    shape = rng.random()
    picked = hashlib.blake2b(f"{day}|{serial}|{prefix}{suffix}|{adj}|{method}|{task}".encode())
    mid, tag = picked.digest()[:2]
    name = prefix + _MID[mid % len(_MID)] + suffix + _TAG[tag % len(_TAG)]
    if shape < 0.5:
        title = f"{name}: {adj} {method} for {task}"
    elif shape < 0.8:
        title = f"{adj} {method} for {task} with {name}"
    else:
        title = f"Towards {adj} {task} with {method} in {name}"
    dataset = rng.choice(_DATASETS)
    org, repo = rng.choice(_SURNAMES).lower().replace("ł", "l"), name.lower()
    fill = {
        "task": task.lower(),
        "family": rng.choice(_FAMILIES),
        "problem": rng.choice(_PROBLEMS),
        "dataset": dataset,
        "name": name,
        "adj": adj.lower(),
        "method": method.lower(),
        "gain": rng.uniform(0.5, 9.5),
        "saving": rng.randint(10, 70),
        "org": org,
        "repo": repo,
    }
    has_code = rng.random() < 0.4
    body = [s for s in _BODY if has_code or "github" not in s]
    abstract = " ".join(_sentence(x.format(**fill)) for x in [rng.choice(_OPENERS), *body])
    authors = [f"{rng.choice(_NAMES)} {rng.choice(_SURNAMES)}" for _ in range(rng.randint(1, 7))]
    peak = int(rng.lognormvariate(3.0, 0.9)) + 1
    return SamplePaper(
        arxiv_id=f"{d:%y%m}.{serial:05d}",
        title=title,
        abstract=abstract,
        authors=authors,
        published=d - timedelta(days=rng.randint(1, 3)),
        first_day=day,
        days=rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 18, 10, 7])[0],
        peak=peak,
        keywords=[method.lower(), task.lower(), dataset],
        github_repo=f"https://github.com/{org}/{repo}" if has_code else None,
    )


def _hex_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _upvotes(p: SamplePaper, k: int) -> int:
    # cumulative upvotes: fast rise, then a slowing tail; never decreasing
    share = 1 - 0.55 ** (k + 1)
    return max(1, round(p.peak * share))


def plan(spec: SampleSpec) -> list[tuple[date, list[SamplePaper]]]:
    rng = random.Random(spec.seed)
    active: list[SamplePaper] = []
    days: list[tuple[date, list[SamplePaper]]] = []
    serial = 10000 + rng.randint(0, 999)
    for i in range(spec.days):
        d = spec.start + timedelta(days=i)
        if d.day == 1:
            serial = 10000 + rng.randint(0, 999)
        fresh = []
        for _ in range(max(1, int(rng.gauss(spec.per_day, spec.per_day / 5)))):
            serial += 1
            fresh.append(_paper(rng, i, d, serial))
        active = [p for p in active if i < p.first_day + p.days] + fresh
        listed = []
        for p in active:
            p.upvotes_by_day[i] = _upvotes(p, i - p.first_day)
            listed.append(p)
        listed.sort(key=lambda p: (-p.upvotes_by_day[i], p.arxiv_id))
        days.append((d, listed))
    # the first page-text day's top paper is only identified (by arXiv id) by a later JSON day
    for i, (_d, listed) in enumerate(days):
        if _is_text_day(i, spec):
            fresh = [p for p in listed if p.first_day == i and p.days >= 2]
            if fresh:
                fresh[0].text_only_until = i + 1
                break
    return days


def _is_text_day(i: int, spec: SampleSpec) -> bool:
    return spec.text_every > 0 and i % spec.text_every == 1


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def render_json(d: date, listed: list[SamplePaper], i: int, rng: random.Random) -> bytes:
    generation = i % 3  # cycle through schema generations, as real archives mix them
    items = []
    for p in listed:
        paper: dict[str, object] = {
            "id": p.arxiv_id,
            "authors": [
                {"_id": _hex_id(p.arxiv_id, n), "name": n, "hidden": False} for n in p.authors
            ],
            "publishedAt": f"{p.published.isoformat()}T{rng.randint(0, 23):02d}:00:00.000Z",
            "title": _wrap(p.title, 70) if generation == 0 else p.title,
            "summary": _wrap(p.abstract, 78),
            "upvotes": p.upvotes_by_day[i],
        }
        item: dict[str, object] = {
            "paper": paper,
            "title": p.title,
            "numComments": rng.randint(0, 6),
        }
        if generation == 0:
            item["publishedAt"] = f"{d.isoformat()}T0{rng.randint(0, 9)}:12:00.000Z"
        else:
            paper["submittedOnDailyAt"] = f"{d.isoformat()}T00:00:00.000Z"
            paper["ai_keywords"] = p.keywords
            item["publishedAt"] = paper["publishedAt"]
        if generation == 2 and p.github_repo:
            paper["githubRepo"] = p.github_repo
            paper["githubStars"] = p.upvotes_by_day[i] * 7
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False).encode()


def render_page_text(d: date, listed: list[SamplePaper], i: int, rng: random.Random) -> bytes:
    out = [
        "new",
        "",
        "Get trending papers in your email inbox!",
        "",
        "Subscribe",
        "",
        "Daily Papers",
        "",
        "byAK and the research community",
        "",
        "",
        f"{d:%b} {d.day}",
        "",
    ]
    for n, p in enumerate(listed):
        if n % 3 == 0:
            out += [str(p.upvotes_by_day[i]), ""]
        if n % 4 == 1:
            out += [f"Submitted by {p.authors[0].split()[0].lower()}", ""]
        out += [p.title, ""]
        if n % 7 != 5:  # now and then a paper shows no abstract
            out += [p.abstract, "", ""]
    return ("\r\n".join(out) if i % 2 else "\n".join(out)).encode()


def _rss_item(p: SamplePaper, category: str, announce: str, version: int) -> str:
    return (
        f"<item><title>{escape(p.title)}</title><link>https://arxiv.org/abs/{p.arxiv_id}</link>"
        f"<description>arXiv:{p.arxiv_id}v{version} Announce Type: {announce} \nAbstract: {escape(p.abstract)}"
        f'</description><guid isPermaLink="false">oai:arXiv.org:{p.arxiv_id}v{version}</guid>'
        f"<category>{category}</category><pubDate>{p.published:%a, %d %b %Y} 00:00:00 -0500</pubDate>"
        f"<arxiv:announce_type>{announce}</arxiv:announce_type>"
        f"<dc:creator>{escape(', '.join(p.authors))}</dc:creator></item>"
    )


def render_rss(d: date, category: str, items: list[tuple[SamplePaper, str, int]]) -> bytes:
    body = "\n".join(_rss_item(p, category, a, v) for p, a, v in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        f"<title>{category} updates on arXiv.org</title><link>http://rss.arxiv.org/rss/{category}</link>"
        f"<pubDate>{d:%a, %d %b %Y} 00:00:00 -0500</pubDate>\n{body}\n</channel></rss>"
    ).encode()


# listings are generated in spans of about two years, each from its own random stream (the
# first span's is the one a shorter corpus has): a large corpus's spans are written by helper
# processes side by side, while this one writes the HF digests
_RSS_SPAN_DAYS = 730


def rss_spans(spec: SampleSpec) -> list[range]:
    """The day ranges of the listings' spans: each but the first starts on the 1st of a month,
    where arXiv-style ids restart, so no two spans give one id to different papers."""
    starts = [0]
    while starts[-1] + _RSS_SPAN_DAYS < spec.days:
        d = spec.start + timedelta(days=starts[-1] + _RSS_SPAN_DAYS)
        first = d if d.day == 1 else (d.replace(day=1) + timedelta(days=32)).replace(day=1)
        if (first - spec.start).days >= spec.days:
            break
        starts.append((first - spec.start).days)
    return [range(a, b) for a, b in zip(starts, [*starts[1:], spec.days], strict=True)]


def _rss_days(
    spec: SampleSpec, span: int, days: range
) -> Iterator[tuple[date, str, list[tuple[SamplePaper, str, int]]]]:
    """Weekday listings per category: ~80% new papers, ~10% cross-lists, ~10% replacements.
    Yielded day by day: five years of listings are a million papers, never all held."""
    # its own stream (HF samples stay byte-identical), one per span
    rng = random.Random(spec.seed + 2 + 7919 * span)
    recent: list[SamplePaper] = []
    serial = 50000
    for i in days:
        d = spec.start + timedelta(days=i)
        if d.weekday() >= 5:
            continue
        if d.day <= 3:
            serial = 50000 + (d.month * 10) % 1000  # ids restart each month, as arXiv's do
        day_new: dict[str, list[SamplePaper]] = {}
        for category in spec.rss_categories:
            fresh = []
            for _ in range(int(spec.rss_per_weekday * 0.8)):
                serial += 1
                p = _paper(rng, i, d, serial)
                p.arxiv_id = f"{d:%y%m}.{serial:05d}"
                p.published = d
                fresh.append(p)
            day_new[category] = fresh
        for category in spec.rss_categories:
            others = [p for c, ps in day_new.items() if c != category for p in ps]
            cross = rng.sample(others, min(len(others), spec.rss_per_weekday // 10))
            replaced = rng.sample(recent, min(len(recent), spec.rss_per_weekday // 10))
            items = [(p, "new", 1) for p in day_new[category]]
            items += [(p, "cross", 1) for p in cross] + [(p, "replace", 2) for p in replaced]
            yield d, category, items
        recent = (recent + [p for ps in day_new.values() for p in ps])[-5000:]


def write_rss(spec: SampleSpec, out: Path, span: int, days: range) -> list[Path]:
    """Write the arXiv RSS listings of span number ``span`` (its ``days``) into ``out``."""
    written = []
    for d, category, items in _rss_days(spec, span, days):
        path = out / f"arxiv_rss_{category}_{d.isoformat()}.xml"
        path.write_bytes(render_rss(d, category, items))
        written.append(path)
    return written


# listings past this many items are written by helper processes while this one writes the HF
# digests: the listings are most of a long corpus's generation time
_RSS_APART = 200_000


def generate(spec: SampleSpec, out: Path) -> list[Path]:
    """Write the digests of ``spec`` into ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    spans = list(enumerate(rss_spans(spec))) if spec.rss_categories else []
    large = spec.days * len(spec.rss_categories) * spec.rss_per_weekday > _RSS_APART
    with (
        ProcessPoolExecutor(2, mp_context=get_context("spawn"))
        if large
        else nullcontext() as helpers
    ):
        apart = [helpers.submit(write_rss, spec, out, k, r) for k, r in spans] if helpers else []
        days = plan(spec)
        hf = _write_hf(spec, days, out)
        try:
            rss = [p for f in apart for p in f.result()] if apart else None
        except BrokenProcessPool:  # e.g. a caller's script without a __main__ guard
            rss = None
        if rss is None:
            rss = [p for k, r in spans for p in write_rss(spec, out, k, r)]
    # after the HF digests: a weekly digest sets its papers' upvotes on its own day
    return hf + rss + _write_weekly(spec, days, out)


def _write_hf(
    spec: SampleSpec, days: list[tuple[date, list[SamplePaper]]], out: Path
) -> list[Path]:
    rng = random.Random(spec.seed + 1)
    written = []
    for i, (d, listed) in enumerate(days):
        if _is_text_day(i, spec):
            path = out / f"hf_papers_page_{d.isoformat()}.txt"
            path.write_bytes(render_page_text(d, listed, i, rng))
        else:
            shown = [p for p in listed if p.text_only_until <= i]
            path = out / f"hf_daily_papers_{d.isoformat()}.json"
            path.write_bytes(render_json(d, shown, i, rng))
        written.append(path)
    return written


def _write_weekly(
    spec: SampleSpec, days: list[tuple[date, list[SamplePaper]]], out: Path
) -> list[Path]:
    if not spec.weekly_text:
        return []
    weekly_rng = random.Random(spec.seed + 3)
    written = []
    for i, (d, _listed) in enumerate(days):
        if d.weekday() != 0 or i < 7:
            continue
        week = {p.arxiv_id: p for _d, ps in days[i - 7 : i] for p in ps}
        top = sorted(week.values(), key=lambda p: (-max(p.upvotes_by_day.values()), p.arxiv_id))[
            :20
        ]
        for p in top:
            p.upvotes_by_day.setdefault(i, max(p.upvotes_by_day.values()))
        path = out / f"hf_weekly_page_{d.isoformat()}.txt"
        path.write_bytes(render_page_text(d, top, i, weekly_rng))
        written.append(path)
    return written
