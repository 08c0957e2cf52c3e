"""The real arXiv, RSS and HTML samples parse to exact ids; the whole real folder publishes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ingest, machine_samples, query
from transforms.digest_records import ParseError
from transforms.sniff import parse, sniff

pytestmark = pytest.mark.real_data

EXPECTED = {
    "arxiv_api/lukasschwab_2016_id_list-1111.2011v2.xml": ("arxiv_atom", ["1111.2011"]),
    "arxiv_api/lukasschwab_2026_id_0000.0000_s0_m100_8b51d9633a68.body.xml": ("arxiv_atom", []),
    "arxiv_api/lukasschwab_2026_q_testing_s0_m10_bc5a6c384fe9.body.xml": (
        "arxiv_atom",
        [
            "2202.12139",
            "2405.13786",
            "2005.14124",
            "2204.08348",
            "2302.03287",
            "1202.4527",
            "2503.05378",
            "1205.1866",
            "2502.07719",
            "1812.11470",
        ],
    ),
    "arxiv_rss/jmamath-distill_arxiv_rss_cs_ai.xml": (
        "arxiv_rss",
        ["2604.21935", "2604.21936", "2604.21937"],
    ),
    "arxiv_rss/jmamath-distill_arxiv_rss_cs_cl.xml": (
        "arxiv_rss",
        ["2604.22002", "2604.22027", "2604.22038"],
    ),
    "hf_papers_html/slbqc_huggingface_papers_2024-08-01.html": (
        "hf_page_html",
        [
            "2407.21783",
            "2407.21705",
            "2407.21770",
            "2407.21646",
            "2407.21772",
            "2407.21630",
            "2407.21721",
            "2407.21530",
            "2407.20229",
            "2407.21781",
            "2407.21686",
            "2407.21475",
            "2404.01300",
        ],
    ),
}


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_real_sample_ids(real_data: Path, rel: str) -> None:
    data = (real_data / rel).read_bytes()
    fmt, ids = EXPECTED[rel]
    assert sniff(data) == fmt
    digest, problems = parse(fmt, data, Path(rel).name)
    assert problems == []
    assert [e.arxiv_id for e in digest.entries] == ids


def test_real_atom_details(real_data: Path) -> None:
    data = (real_data / "arxiv_api/lukasschwab_2016_id_list-1111.2011v2.xml").read_bytes()
    digest, _ = parse("arxiv_atom", data, "x")
    (e,) = digest.entries
    assert (e.arxiv_version, e.primary_category, e.doi) == (
        2,
        "cond-mat.str-el",
        "10.1103/PhysRevB.85.115117",
    )
    assert (
        e.title
        == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert e.categories == ["cond-mat.str-el", "cond-mat.stat-mech"]
    assert e.authors == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert "\n" not in (e.abstract or "")


def test_real_atom_error_body(real_data: Path) -> None:
    data = (
        real_data / "arxiv_api/lukasschwab_2026_id_abc_s0_m100_b79c8dcf6bc3.body.xml"
    ).read_bytes()
    with pytest.raises(ParseError, match="arXiv API error response: incorrect id format for abc"):
        parse(sniff(data), data, "x")


def test_whole_real_folder(real_data: Path, lake_dir: Path) -> None:
    report = ingest(lake_dir, *machine_samples(real_data))
    assert (report.status, report.exit_code) == ("published", 3)
    assert sorted(q.original_name for q in report.quarantined) == [
        "README.md",
        "deepdiver_papers.json_error-body.json",
        "lukasschwab_2026_id_abc_s0_m100_b79c8dcf6bc3.body.xml",
    ]
    by_format = dict(query(lake_dir, "SELECT format, sum(n_entries) FROM digests GROUP BY 1"))
    assert by_format == {"hf_daily_json": 202, "hf_page_html": 13, "arxiv_atom": 11, "arxiv_rss": 6}
    # the 2024-08-01 page and the same day's JSON share 11 papers: one paper each, two appearances
    assert query(
        lake_dir,
        """
        SELECT count(*) FROM papers WHERE n_digests = 2 AND paper_id LIKE '2407.%'""",
    ) == [(11,)]
    assert query(lake_dir, "SELECT count(*), count(DISTINCT paper_id) FROM digest_entries") == [
        (232, 221)
    ]
