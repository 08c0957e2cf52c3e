from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from tests.transforms import enrichment_reference as ref
from transforms.enrichment.links import links_frame
from transforms.enrichment.mentions import mentions_frame
from transforms.enrichment.short_names import short_name
from transforms.enrichment.terms import TERMS_PER_PAPER, terms_frame
from transforms.enrichment.topics import topics_frame
from warehouse.contracts import taxonomy


def test_short_names() -> None:
    cases = {
        "DVPT: Dynamic Visual Prompt Tuning": "DVPT",
        "Merlin:Empowering Multimodal LLMs": "Merlin",
        "LLaVA-1.5: Improved Baselines": "LLaVA-1.5",
        "Stable Diffusion 3: Scaling Rectified Flow": "Stable Diffusion 3",
        "Survey: Everything": None,
        "Large Language Models: A Review": None,
        "A Study Without a Name": None,
    }
    assert {t: short_name(t) for t in cases} == cases


def test_links_are_normalized_and_classified() -> None:
    got = ref.links(
        "Code: https://github.com/Foo/bar.git/tree/main. Page at www.foo.github.io/x/, data on "
        "https://huggingface.co/datasets/o/d).",
        "https://github.com/Foo/bar",
        "https://foo.org/p/",
    )
    assert got == [
        ("https://github.com/Foo/bar", "code", "github_repo"),
        ("https://foo.org/p", "project", "project_page"),
        ("https://foo.github.io/x", "project", "abstract"),
        ("https://huggingface.co/datasets/o/d", "data", "abstract"),
    ]


def test_pretraining_spellings_are_one_term() -> None:
    terms = {
        t
        for t, _ in ref.key_phrases(
            "Pre-training at Scale", "We study pre training and pretraining."
        )
    }
    assert "pretraining" in " ".join(terms)
    assert not any("pre-training" in t or "pre training" in t for t in terms)


PAPERS = pl.DataFrame(
    {
        "paper_id": ["1", "2", "3", "4", "5"],
        "title": [
            "Speculative Decoding for Code Generation",
            "Robot Manipulation from Video",
            "A Benchmark: SuperBench and ScienceQA",
            "Plain Title",
            # characters that case-fold onto ASCII letters (long s, Kelvin sign)
            "A \u017fCALING LAW for \u212aV Caches",
        ],
        "abstract": [
            "We evaluate on HumanEval and MBPP.",
            "Trained on Ego4D and ImageNet-1K, not ImageNet.",
            None,
            "Reinforcement learning with a reward model.",
            None,
        ],
        "keywords": [["speculative decoding"], None, ["benchmark"], [], None],
        "categories": [["cs.SE"], ["cs.RO", "cs.CV"], None, ["stat.ML"], None],
    }
)


def test_topic_patterns_are_lowercase() -> None:
    # topics_frame preselects papers by matching these against lowercased text
    assert all(p == p.lower() for t in taxonomy.TOPICS for p in t.patterns)


def test_vectorized_topics_and_mentions_equal_the_per_paper_rules() -> None:
    rows = [
        (p["paper_id"], *t)
        for p in PAPERS.iter_rows(named=True)
        for t in ref.topics(p["title"], p["abstract"], p["keywords"], p["categories"])
    ]
    expected = pl.DataFrame(rows, schema=["paper_id", "topic", "score", "method"], orient="row")
    assert_frame_equal(
        topics_frame(PAPERS).sort("paper_id", "topic"), expected.sort("paper_id", "topic")
    )
    mention_rows = [
        (p["paper_id"], *m)
        for p in PAPERS.iter_rows(named=True)
        for m in ref.mentions(p["title"], p["abstract"])
    ]
    expected = pl.DataFrame(
        mention_rows, schema=["paper_id", "name", "kind", "method"], orient="row"
    )
    got = mentions_frame(PAPERS)
    assert_frame_equal(got.sort("paper_id", "name"), expected.sort("paper_id", "name"))
    assert set(got.filter(pl.col("paper_id") == "2")["name"]) == {
        "Ego4D",
        "ImageNet-1K",
        "ImageNet",
    }


def _terms_reference(papers: pl.DataFrame) -> pl.DataFrame:
    rows = [
        (p["paper_id"], t, s)
        for p in papers.iter_rows(named=True)
        for t, s in ref.key_phrases(p["title"], p["abstract"])
    ]
    return pl.DataFrame(rows, schema=["paper_id", "term", "score"], orient="row").with_columns(
        pl.lit("extracted").alias("method")
    )


def test_vectorized_terms_equal_the_per_paper_phrases() -> None:
    tricky = pl.DataFrame(
        {
            "paper_id": ["a", "b", "c", "d"],
            "title": [
                "Co-pre-training: Self-Supervised Fine Tuning (FT) at Scale",
                "X",
                "Diffusion models; diffusion models, again: diffusion",
                "Multi-Agent re-ranking 2024 with 3D scenes",
            ],
            "abstract": [
                'We "pre train" large language models [1] for zero-shot and few shot tasks.',
                None,
                "Diffusion models generate images. Latent diffusion models scale.",
                "",
            ],
        }
    )
    papers = pl.concat([PAPERS.select("paper_id", "title", "abstract"), tricky])
    got = terms_frame(papers)
    assert_frame_equal(got, _terms_reference(papers))


def test_vectorized_terms_on_generated_papers(tmp_path: Path) -> None:
    from samples.generator import SampleSpec, generate

    generate(SampleSpec(days=2, seed=3, start=date(2026, 1, 5), per_day=40), tmp_path)
    items = [
        it["paper"] for f in sorted(tmp_path.glob("*.json")) for it in json.loads(f.read_bytes())
    ]
    papers = pl.DataFrame(
        {
            "paper_id": [p["id"] for p in items],
            "title": [p["title"] for p in items],
            "abstract": [p.get("summary") for p in items],
        }
    ).unique("paper_id", maintain_order=True)
    got = terms_frame(papers)
    assert_frame_equal(got, _terms_reference(papers))
    assert got.group_by("paper_id").len()["len"].max() == TERMS_PER_PAPER


def test_vectorized_links_equal_the_per_paper_links() -> None:
    papers = pl.DataFrame(
        {
            "paper_id": ["1", "2", "3", "4"],
            "abstract": [
                "Code: https://github.com/Org/Repo.git/tree/main, data at "
                "https://huggingface.co/datasets/o/d. See www.example.org/p).",
                "Mirror github.com/org/repo and HTTPS://GITHUB.COM/org/repo/ again.",
                None,
                "No links; just http://localhost and https://x.",
            ],
            "github_repo": ["https://github.com/org/repo", None, "https://github.com/a/b", None],
            "project_page": [None, "https://org.github.io/proj/", None, ""],
        }
    )
    rows = [
        (p["paper_id"], *link)
        for p in papers.iter_rows(named=True)
        for link in ref.links(p["abstract"], p["github_repo"], p["project_page"])
    ]
    expected = pl.DataFrame(rows, schema=["paper_id", "url", "kind", "found_in"], orient="row")
    assert_frame_equal(links_frame(papers), expected)


def test_enrichments_taken_from_a_memo_equal_the_computed_ones() -> None:
    from transforms.enrichment import ENRICHMENT_TABLES, EnrichmentMemo, enrichment_frames
    from warehouse.contracts import BY_NAME

    papers = PAPERS.with_columns(
        pl.Series("github_repo", ["https://github.com/o/r", None, None, None, None]),
        pl.Series("project_page", [None, "https://o.github.io/p/", None, None, None]),
    )
    # what a batch alone said: paper 3's abstract differs (the published row filled it in),
    # paper 2 is missing, another paper shares paper 1's content
    ahead = pl.concat(
        [
            papers.filter(pl.col("paper_id") == "1").with_columns(pl.lit("9").alias("paper_id")),
            papers.filter(pl.col("paper_id").is_in(["1", "3", "4", "5"])).with_columns(
                pl.when(pl.col("paper_id") == "3")
                .then(pl.lit("An older abstract on ScienceQA."))
                .otherwise(pl.col("abstract"))
                .alias("abstract")
            ),
        ]
    )
    memo = EnrichmentMemo.of(ahead)
    assert memo.inputs.height == 4  # papers 9 and 1 are one content
    _, rest = memo.split(papers)
    assert sorted(rest["paper_id"].to_list()) == ["2", "3"]

    got, computed = enrichment_frames(papers, memo), enrichment_frames(papers)
    for name in ENRICHMENT_TABLES:
        key = list(BY_NAME[name].key)
        assert_frame_equal(got[name].sort(key), computed[name].sort(key))
    assert got["paper_topics"].height
    assert got["paper_links"].height
    assert got["paper_terms"].height
