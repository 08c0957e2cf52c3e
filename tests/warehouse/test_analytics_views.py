"""Every analytics view on a small known history, against values computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from samples.items import hf_item
from tests.helpers import ingest, machine_samples, query, write_json
from warehouse.views import SQL_VIEWS

RSS = """<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
<channel><title>cs.CL updates on arXiv.org</title><pubDate>Wed, 04 Nov 2026 00:00:00 -0500</pubDate>
{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://arxiv.org/abs/{id}</link>
<description>arXiv:{id}v1 Announce Type: new
Abstract: An abstract.</description><guid isPermaLink="false">oai:arXiv.org:{id}v1</guid>
<category>cs.XX</category><arxiv:announce_type>new</arxiv:announce_type><dc:creator>Ada Lovelace</dc:creator></item>"""

A = ("2611.00001", "Speculative Decoding for Fast Inference")
B = ("2611.00002", "Robot Manipulation from Video")
C = ("2611.00003", "Speech Recognition at Scale")
D = ("2611.00004", "Quantization of Speech Models")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("analytics")
    inbox = root / "inbox"

    def day(d: str, *papers: tuple[tuple[str, str], int]) -> None:
        write_json(
            inbox / f"hf_{d}.json",
            [
                hf_item(pid, title, d, upvotes=up, summary="An abstract.")
                for (pid, title), up in papers
            ],
        )

    day("2026-11-02", (A, 10), (B, 5))
    day("2026-11-03", (A, 20), (C, 3))
    day("2026-11-05", (A, 40), (B, 9))  # Wednesday 11-04 has no HF digest: a gap
    items = "".join(ITEM.format(id=pid, title=title) for pid, title in (C, D))
    (inbox / "arxiv_cs.CL.xml").write_text(RSS.format(items=items))  # Wed 11-04; Thu 11-05 missing
    lake = root / "lake"
    assert ingest(lake, inbox).status == "published"
    return lake


def test_paper_history(lake: Path) -> None:
    rows = query(
        lake,
        """SELECT paper_id, first_seen, last_seen, days_listed, longest_streak, best_position,
                                 max_upvotes, latest_upvotes, upvote_velocity, span_days
                          FROM paper_history ORDER BY paper_id""",
    )
    assert rows == [
        ("2611.00001", date(2026, 11, 2), date(2026, 11, 5), 3, 2, 1, 40, 40, 10.0, 4),
        ("2611.00002", date(2026, 11, 2), date(2026, 11, 5), 2, 1, 2, 9, 9, 1.333, 4),
        ("2611.00003", date(2026, 11, 3), date(2026, 11, 4), 2, 2, 1, 3, 3, None, 2),
        ("2611.00004", date(2026, 11, 4), date(2026, 11, 4), 1, 1, 2, None, None, None, 1),
    ]


def test_new_vs_returning(lake: Path) -> None:
    assert query(lake, "SELECT * FROM new_vs_returning ORDER BY digest_date") == [
        (date(2026, 11, 2), 2, 2, 0, 1.0),
        (date(2026, 11, 3), 2, 1, 1, 0.5),
        (date(2026, 11, 4), 2, 1, 1, 0.5),
        (date(2026, 11, 5), 2, 0, 2, 0.0),
    ]


def test_topic_trends_share_has_its_denominator(lake: Path) -> None:
    rows = query(
        lake, "SELECT topic, papers, papers_in_week, share FROM topic_trends ORDER BY topic"
    )
    assert rows == [
        ("efficiency", 2, 4, 0.5),  # speculative decoding, quantization
        ("robotics", 1, 4, 0.25),
        ("speech_audio", 2, 4, 0.5),
        ("video", 1, 4, 0.25),
    ]
    assert query(lake, "SELECT DISTINCT week FROM topic_trends") == [(date(2026, 11, 2),)]


def test_coverage_flags_gaps_with_arxiv_schedule(lake: Path) -> None:
    rows = query(
        lake,
        "SELECT source, day, expected, landed, entries, gap FROM coverage ORDER BY source, day",
    )
    assert rows == [
        ("arxiv_rss/arxiv_listing", date(2026, 11, 4), True, 1, 2, False),
        ("arxiv_rss/arxiv_listing", date(2026, 11, 5), True, 0, 0, True),
        ("hf_daily_json/daily", date(2026, 11, 2), True, 1, 2, False),
        ("hf_daily_json/daily", date(2026, 11, 3), True, 1, 2, False),
        ("hf_daily_json/daily", date(2026, 11, 4), True, 0, 0, True),
        ("hf_daily_json/daily", date(2026, 11, 5), True, 1, 2, False),
    ]


def test_source_lag(lake: Path) -> None:
    rows = query(
        lake,
        "SELECT paper_id, source, lag_days, first_source, n_sources FROM source_lag "
        "WHERE paper_id IN ('2611.00003', '2611.00004') ORDER BY 1, 2",
    )
    assert rows == [
        ("2611.00003", "arxiv_rss", 1, "hf_daily_json", 2),
        ("2611.00003", "hf_daily_json", 0, "hf_daily_json", 2),
        ("2611.00004", "arxiv_rss", 0, "arxiv_rss", 1),
    ]


def test_trending_daily_and_run_health(lake: Path) -> None:
    assert query(
        lake,
        "SELECT rank_by_upvotes, paper_id, upvotes, is_new FROM trending_daily "
        "WHERE digest_date = DATE '2026-11-03' ORDER BY 1",
    ) == [(1, "2611.00001", 20, False), (2, "2611.00003", 3, True)]
    assert query(lake, "SELECT status, files_new, entries FROM run_health") == [("published", 4, 8)]


def test_rising_terms(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    # week of 2 Nov: 4 papers, 1 about speculative decoding; week of 9 Nov: 4 papers, 3 about it
    write_json(
        inbox / "hf_2026-11-02.json",
        [
            hf_item(f"2611.0010{i}", t, "2026-11-02", summary="An abstract.")
            for i, t in enumerate(
                ["Speculative Decoding: Alpha", "Graph Kernels", "Sparse Codes", "Ocean Waves"]
            )
        ],
    )
    write_json(
        inbox / "hf_2026-11-09.json",
        [
            hf_item(f"2611.0020{i}", t, "2026-11-09", summary="An abstract.")
            for i, t in enumerate(
                [
                    "Speculative Decoding: Beta",
                    "Speculative Decoding: Gamma",
                    "Speculative Decoding: Delta",
                    "Tidal Flows",
                ]
            )
        ],
    )
    ingest(tmp_path / "lake", inbox)
    rows = query(
        tmp_path / "lake",
        "SELECT week, term, papers, papers_in_week, share, trailing_with_term, "
        "trailing_papers, trailing_share, year_share, baseline_share, lift FROM rising_terms",
    )
    # year share 4/8; baseline (1 + 20 * 0.5) / (4 + 20) = 0.4583; lift 0.75 / 0.4583
    assert rows == [
        (date(2026, 11, 9), "speculative decoding", 3, 4, 0.75, 1, 4, 0.25, 0.5, 0.4583, 1.636)
    ]


def test_code_momentum_by_hand(tmp_path: Path) -> None:
    # 2611.00001 gets code on its first day (10 stars), 40 on day 5, 100 on day 20, 130 on day 40;
    # 2611.00002 trends (rank 1) and never gets code; 2611.00003 is ranked 12th, without code
    repo = "https://github.com/o/whales"
    days: dict[str, list[tuple[str, int | None]]] = {
        "2026-10-01": [
            ("2611.00002", None),
            ("2611.00001", 10),
            *[(f"2611.001{i:02d}", None) for i in range(9)],
            ("2611.00003", None),
        ],
        "2026-10-06": [("2611.00001", 40)],
        "2026-10-21": [("2611.00001", 100)],
        "2026-11-10": [("2611.00001", 130)],
    }
    inbox = tmp_path / "inbox"
    for day, papers in days.items():
        items = [
            hf_item(
                pid, f"Paper {pid}", day, github_stars=stars, github_repo=repo if stars else None
            )
            for pid, stars in papers
        ]
        write_json(inbox / f"hf_{day}.json", items)
    ingest(tmp_path / "lake", inbox)
    rows = query(
        tmp_path / "lake",
        "SELECT paper_id, first_seen, stars_first, stars_day7, stars_day30, stars_latest, "
        "stars_per_day, trended, trended_without_code FROM code_momentum "
        "WHERE paper_id IN ('2611.00001', '2611.00002', '2611.00003') ORDER BY 1",
    )
    assert rows == [
        # (130 - 10) stars over the 40 days between its first and last starred days
        ("2611.00001", date(2026, 10, 1), 10, 40, 100, 130, 3.0, True, False),
        ("2611.00002", date(2026, 10, 1), None, None, None, None, None, True, True),
        ("2611.00003", date(2026, 10, 1), None, None, None, None, None, False, False),
    ]


def test_a_field_is_not_rising_and_a_new_term_is(tmp_path: Path) -> None:
    # 5 weeks of 60 papers; "diffusion models" is in a third of every week (a field) and jumps
    # to three quarters in the last; "tidal computing" is new in the last week, 6 papers
    inbox = tmp_path / "inbox"
    for week in range(5):
        day = (date(2026, 10, 5) + timedelta(weeks=week)).isoformat()
        items = []
        for i in range(60):
            keywords = []
            if i < (45 if week == 4 else 20):
                keywords.append("diffusion models")
            if week == 4 and 50 <= i < 56:
                keywords.append("Tidal Computing (TC)")
            items.append(hf_item(f"2610.{week}{i:04d}", f"Paper {i}", day, keywords=keywords))
        write_json(inbox / f"hf_{day}.json", items)
    ingest(tmp_path / "lake", inbox)
    rows = query(
        tmp_path / "lake",
        "SELECT week, term, papers, share, trailing_with_term, trailing_papers, year_share, "
        "baseline_share, lift FROM rising_terms",
    )
    # year share 6/300 = 0.02; baseline (0 + 20 * 0.02) / (240 + 20) = 0.0015; lift 0.1 / it
    assert rows == [(date(2026, 11, 2), "tidal computing", 6, 0.1, 0, 240, 0.02, 0.0015, 65.0)]
    # its papers carry HF's keyword as a term, marked as HF's
    assert query(
        tmp_path / "lake",
        "SELECT DISTINCT method, score FROM paper_terms WHERE term = 'tidal computing'",
    ) == [("ai_keywords", 1.0)]


def test_marts_match_their_contracts_and_the_views(lake: Path) -> None:
    import polars as pl

    from warehouse.contracts.marts import MARTS

    for mart in MARTS:
        df = pl.read_parquet(lake / "marts" / mart.name / "*.parquet")
        assert df.schema == mart.polars_schema, mart.name
        assert df.height == query(lake, f"SELECT count(*) FROM {mart.name}")[0][0], mart.name
    assert not list((lake / "marts").rglob(".*"))  # no temporary files left behind
    assert not list(lake.glob(".marts-*"))


VIEWS = SQL_VIEWS


def test_every_view_has_rows_on_the_bundled_samples(tmp_path: Path) -> None:
    from samples import bundled_samples

    ingest(tmp_path / "lake", bundled_samples())
    counts = {v: query(tmp_path / "lake", f"SELECT count(*) FROM {v}")[0][0] for v in VIEWS}
    assert all(counts.values()), counts
    # 8 days: JSON on 6 (2 gaps), page text on 2 of the 7 days from its first (5 gaps)
    assert query(
        tmp_path / "lake",
        "SELECT count(*) FILTER (WHERE gap), count(*) FILTER (WHERE landed = 1) FROM coverage",
    ) == [(7, 8)]
    # every paper is new on its first day: the first day is all new
    first = query(
        tmp_path / "lake",
        "SELECT papers, new_papers, returning_papers FROM new_vs_returning "
        "ORDER BY digest_date LIMIT 1",
    )[0]
    assert first[0] == first[1]
    assert first[2] == 0


@pytest.mark.real_data
def test_views_on_the_real_samples(real_data: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest(lake, *machine_samples(real_data))
    counts = {v: query(lake, f"SELECT count(*) FROM {v}")[0][0] for v in VIEWS}
    assert all(counts.values()), counts
    # the month of 2023-08 has weeks with history: what rises there are terms a researcher
    # names, each a phrase of some paper of that week, none a boilerplate word
    rising = query(lake, "SELECT term, papers, lift FROM rising_terms")
    assert all(papers >= 3 and lift >= 1.5 for _, papers, lift in rising)
    boilerplate = {"results", "performance", "approach", "method", "novel", "existing", "show"}
    assert not {w for term, _, _ in rising for w in term.split()} & boilerplate
    # 2024-08-01: the page (13 papers) and the API (11 of them) the same day
    assert query(lake, "SELECT * FROM new_vs_returning WHERE digest_date = DATE '2024-08-01'") == [
        (date(2024, 8, 1), 13, 13, 0, 1.0)
    ]
    assert query(
        lake,
        "SELECT source, landed, entries, gap FROM coverage WHERE day = DATE '2024-08-01' "
        "AND expected ORDER BY 1",
    ) == [("hf_daily_json/daily", 1, 11, False), ("hf_page_html/daily", 1, 13, False)]
    assert query(
        lake,
        "SELECT source, lag_days, n_sources, count(*) FROM source_lag "
        "WHERE first_anywhere = DATE '2024-08-01' GROUP BY ALL ORDER BY ALL",
    ) == [("hf_daily_json", 0, 2, 11), ("hf_page_html", 0, 1, 2), ("hf_page_html", 0, 2, 11)]
    assert query(
        lake,
        "SELECT days_listed, longest_streak, max_upvotes, upvote_velocity FROM paper_history "
        "WHERE paper_id = '2308.04079'",
    ) == [(1, 1, 204, None)]
    assert query(
        lake, "SELECT papers_in_week FROM topic_trends WHERE week = DATE '2024-07-29' LIMIT 1"
    ) == [(13,)]
    assert query(
        lake,
        "SELECT rank_by_upvotes, paper_id FROM trending_daily WHERE digest_date = DATE '2024-08-01' "
        "ORDER BY 1 LIMIT 1",
    ) == [(1, "2407.21783")]
