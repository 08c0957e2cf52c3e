"""`python -m bench merges`: the near-title merge held against real titles.

The papers of the real HF daily-papers API files (their titles and listing days) are the
id-bearing candidates. Each title is drifted the ways titles drift between a newsletter, a page
and arXiv (cut at its hard line break, cut after 60% of its words, its subtitle or its name
dropped, a word changed, its colon moved) and must merge into its own paper; each title as it
is, matched against all the *other* papers, must merge into none. The rules' thresholds are
swept around the chosen ones, so the choice can be read off the table.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from bench.terms import API
from bench.yardstick import api_items, generated_hf_papers
from transforms import near_titles
from transforms.near_titles import near_matches, scored_pairs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

RESULTS = Path(__file__).with_name("merges.json")


def real_papers(api_dir: Path = API) -> pl.DataFrame:
    """paper_id, title, lo, hi (the day listed) of every paper of the real API files."""
    rows: dict[str, tuple[str, str, date]] = {}
    for item, paper in api_items(api_dir):
        if not paper.get("title"):
            continue
        stamp = str(item.get("publishedAt") or paper.get("publishedAt") or "")[:10]
        try:
            day = date.fromisoformat(stamp)
        except ValueError:
            continue
        rows.setdefault(str(paper["id"]), (str(paper["id"]), str(paper["title"]), day))
    return pl.DataFrame(
        list(rows.values()),
        schema={"paper_id": pl.String, "title": pl.String, "lo": pl.Date},
        orient="row",
    ).with_columns(pl.col("lo").alias("hi"))


def generated_papers(days: int = 30) -> pl.DataFrame:
    """The same columns for a month of the synthetic generator's papers: templated titles
    ("X: Robust Model Merging for Robot Manipulation"), many alike, the hard case for false
    merges."""
    rows = [
        (str(p["id"]), str(p["title"]), day)
        for day, p in generated_hf_papers(days, seed=7, start=date(2026, 1, 5))
        if p.get("title")
    ]
    return (
        pl.DataFrame(
            rows, schema={"paper_id": pl.String, "title": pl.String, "lo": pl.Date}, orient="row"
        )
        .unique("paper_id", keep="first", maintain_order=True)
        .with_columns(pl.col("lo").alias("hi"))
    )


def _changed_word(title: str) -> str | None:
    words = title.split()
    for i, w in enumerate(words):
        if len(w) >= 6 and w.isalpha():
            words[i] = w[:-1] if w.endswith("s") else w + "s"
            return " ".join(words)
    return None


def _cut(title: str, share: float) -> str | None:
    words = title.split()
    keep = int(len(words) * share)
    return " ".join(words[:keep]) if keep < len(words) else None


DRIFTS: dict[str, Callable[[str], str | None]] = {
    "cut_at_line_break": lambda t: t.split("\n")[0].strip() if "\n" in t else None,
    "cut_after_60pct_of_words": lambda t: _cut(" ".join(t.split()), 0.6),
    "subtitle_dropped": lambda t: t.split(":", 1)[1].strip() if ":" in t else None,
    "name_dropped_to_name_only": lambda t: t.split(":", 1)[0].strip() if ":" in t else None,
    "a_word_changed": _changed_word,
    "colon_moved": lambda t: t.replace(": ", " - ", 1) if ": " in t else None,
}


def _drifted(papers: pl.DataFrame, drift: Callable[[str], str | None]) -> pl.DataFrame:
    rows = [
        (f"t:{pid}", new, lo)
        for pid, title, lo in papers.select("paper_id", "title", "lo").iter_rows()
        if (new := drift(title)) and new != title
    ]
    return pl.DataFrame(
        rows, schema={"title_key": pl.String, "title": pl.String, "lo": pl.Date}, orient="row"
    ).with_columns(pl.col("lo").alias("hi"))


def _graded(papers: pl.DataFrame) -> dict[str, Any]:
    """Per drift: how many drifted titles merged into their own paper, into another, or none;
    and how many unchanged titles merged into some other paper."""
    out: dict[str, Any] = {}
    for name, drift in DRIFTS.items():
        title_only = _drifted(papers, drift)
        got = near_matches(title_only, papers)
        right = got.filter(pl.col("title_key") == "t:" + pl.col("paper_id")).height
        out[name] = {
            "titles": title_only.height,
            "merged_right": right,
            "merged_wrong": got.height - right,
        }
    # a paper's own title against every other paper: a title close enough to exactly one
    # other paper would merge into it, wrongly
    as_title_only = papers.select(
        pl.concat_str(pl.lit("t:"), "paper_id").alias("title_key"), "title", "lo", "hi"
    )
    others = (
        scored_pairs(as_title_only, papers)
        .filter((pl.col("score") > 0) & (pl.col("title_key") != "t:" + pl.col("paper_id")))
        .group_by("title_key")
        .agg(pl.col("paper_id").n_unique().alias("n"))
    )
    out["unchanged_titles_vs_other_papers"] = {
        "titles": papers.height,
        "merged_wrong": others.filter(pl.col("n") == 1).height,
        "close_to_two_or_more": others.filter(pl.col("n") > 1).height,
    }
    return out


@contextmanager
def _thresholds(**values: float) -> Iterator[None]:
    old = {k: getattr(near_titles, k) for k in values}
    for k, v in values.items():
        setattr(near_titles, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(near_titles, k, v)


def _sweep(papers: pl.DataFrame, **values: float) -> dict[str, Any]:
    with _thresholds(**values):
        graded = _graded(papers)
    drifted = [v for k, v in graded.items() if k != "unchanged_titles_vs_other_papers"]
    return {
        **values,
        "merged_right": sum(v["merged_right"] for v in drifted),
        "drifted_titles": sum(v["titles"] for v in drifted),
        "merged_wrong": sum(v["merged_wrong"] for v in drifted)
        + graded["unchanged_titles_vs_other_papers"]["merged_wrong"],
    }


def run() -> dict[str, Any]:
    if not API.is_dir():
        raise SystemExit(f"no real samples at {API}: the merge bench needs them")
    papers = real_papers()
    generated = generated_papers()
    figures: dict[str, Any] = {
        "command": "python -m bench merges",
        "papers": papers.height,
        "generated_papers": generated.height,
        "chosen": {
            "window_days": near_titles.WINDOW_DAYS,
            "ratio_min": near_titles.RATIO_MIN,
            "prefix_min_words": near_titles.PREFIX_MIN_WORDS,
            "prefix_min_share": near_titles.PREFIX_MIN_SHARE,
            "side_min_words": near_titles.SIDE_MIN_WORDS,
        },
        "by_drift": _graded(papers),
        "by_drift_generated": _graded(generated),
        "sweep": [
            {"pool": pool, **_sweep(frame, **{name: value})}
            for pool, frame in (("real", papers), ("generated", generated))
            for name, values in (
                ("RATIO_MIN", (80.0, 85.0, 90.0, 95.0)),
                ("PREFIX_MIN_WORDS", (3, 4, 5, 6)),
                ("PREFIX_MIN_SHARE", (0.0, 0.3, 0.5, 0.7)),
                ("SIDE_MIN_WORDS", (1, 2, 3, 4)),
            )
            for value in values
        ],
    }
    RESULTS.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return figures
