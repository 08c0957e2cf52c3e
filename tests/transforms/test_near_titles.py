from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.transforms.near_titles_reference import sides, similarity, title_words
from transforms.near_titles import _side_forms, near_matches, word_form

DAY = date(2026, 11, 20)


def _sides(rows: list[tuple[str, str, date]], key: str) -> pl.DataFrame:
    return pl.DataFrame(
        {key: [r[0] for r in rows], "title": [r[1] for r in rows], "lo": [r[2] for r in rows]},
        schema={key: pl.String, "title": pl.String, "lo": pl.Date},
    ).with_columns(pl.col("lo").alias("hi"))


@pytest.mark.parametrize(
    ("short", "full", "score"),
    [
        # cut at the API title's hard line break (5 words of 8 kept)
        (
            "Whale Song Models for Ocean",
            "Whale Song Models for Ocean\n  Acoustic Monitoring at Scale",
            95.0,
        ),
        # a subtitle dropped, and the name dropped
        ("OrcaNet", "OrcaNet: Planning With Whales Under Sea Ice", 0.0),
        ("Planning With Whales Under Sea Ice", "OrcaNet: Planning With Whales Under Sea Ice", 92.0),
        # a colon moved, punctuation and case changed
        ("OrcaNet - Planning with whales", "OrcaNet: Planning With Whales", 100.0),
        # a word changed in a long title
        (
            "Scaling Laws for Sparse Mixture of Experts in Speech Recognition",
            "Scaling Laws for Sparse Mixtures of Experts in Speech Recognition",
            99.2,
        ),
        # near misses: another paper of a series, a short common prefix
        ("Attention Is All You Want", "Attention Is All You Need", 0.0),
        ("Large Language Models for", "Large Language Models for Whale Song Translation", 0.0),
    ],
)
def test_similarity_rules(short: str, full: str, score: float) -> None:
    assert similarity(short, full) == pytest.approx(score, abs=0.1)
    assert similarity(full, short) == pytest.approx(score, abs=0.1)


def test_bulk_scores_equal_the_scalar_rules() -> None:
    titles = [
        "Whale Song Models for Ocean",
        "OrcaNet - Planning with whales",
        "Attention Is All You Want",
        "Planning With Whales Under Sea Ice",
        "Scaling Laws for Sparse Mixture of Experts in Speech Recognition",
    ]
    ids = [
        "Whale Song Models for Ocean\n  Acoustic Monitoring at Scale",
        "OrcaNet: Planning With Whales",
        "Attention Is All You Need",
        "Deep Sea: Planning With Whales Under Sea Ice",
        "Scaling Laws for Sparse Mixtures of Experts in Speech Recognition",
    ]
    got = near_matches(
        _sides([(f"t:{i}", t, DAY) for i, t in enumerate(titles)], "title_key"),
        _sides([(f"2611.0000{i}", t, DAY) for i, t in enumerate(ids)], "paper_id"),
    )
    want = [
        (f"t:{i}", f"2611.0000{j}", round(similarity(titles[i], ids[j]), 1))
        for i in range(len(titles))
        for j in range(len(ids))
        if similarity(titles[i], ids[j]) > 0
    ]
    assert got.rows() == sorted(want)
    assert "t:2" not in got["title_key"].to_list()  # the near miss stays apart


def test_two_close_candidates_or_one_out_of_the_window_merge_nothing() -> None:
    title_only = _sides([("t:a", "OrcaNet Planning With Whales", DAY)], "title_key")
    twins = _sides(
        [
            ("2611.00001", "OrcaNet: Planning With Whales", DAY),
            ("2611.00002", "OrcaNet: Planning with Whales.", DAY + timedelta(days=3)),
        ],
        "paper_id",
    )
    assert near_matches(title_only, twins).is_empty()
    far = _sides(
        [("2611.00001", "OrcaNet: Planning With Whales", DAY + timedelta(days=15))], "paper_id"
    )
    assert near_matches(title_only, far).is_empty()
    near = far.with_columns(pl.lit(DAY + timedelta(days=14)).alias("lo"))
    assert_frame_equal(
        near_matches(title_only, near),
        pl.DataFrame({"title_key": ["t:a"], "paper_id": ["2611.00001"], "score": [100.0]}),
    )


def test_the_column_word_forms_equal_the_python_ones() -> None:
    titles = [
        "Ψ-Bench: Evaluating Persona-Sensitive Influencing",
        "Réseaux  de Neurones\n  à l'Échelle: une Étude",
        "ΣΟΦΊΑ: ΜΕΓΆΛΑ ΜΟΝΤΈΛΑ",
        "naïve_bayes & co.: 2-stage (v2) models",
        "हिन्दी पाठ: वर्गीकरण के लिए मॉडल",
        "Straße und Maße",
        "",
        ":",
        "No colon here at all",
    ]
    frame = pl.DataFrame({"title": titles}).select(
        word_form(pl.col("title")).alias("w"), _side_forms(pl.col("title")).alias("s")
    )
    assert frame["w"].to_list() == [title_words(t) for t in titles]
    assert frame["s"].to_list() == [sides(t) for t in titles]
