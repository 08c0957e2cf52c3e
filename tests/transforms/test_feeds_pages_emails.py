"""Synthetic fixtures for hf_page_html, arxiv_atom, arxiv_rss, email, damaged files and unsafe XML."""

from __future__ import annotations

import html
import json
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest

from samples.items import hf_item
from tests.helpers import ingest, query
from transforms import arxiv_atom, arxiv_rss, email_digest, hf_daily_json, hf_page_html
from transforms.digest_records import ParseError
from transforms.sniff import sniff

if TYPE_CHECKING:
    from pathlib import Path

ATOM_NS = 'xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'


def atom(entries: str, total: int = 1) -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>\n<feed {ATOM_NS}><title>q</title>"
        f"<updated>2026-11-20T10:00:00Z</updated><opensearch:totalResults>{total}</opensearch:totalResults>"
        f"{entries}</feed>"
    ).encode()


ENTRY = """<entry><id>http://arxiv.org/abs/{id}</id><title>Orca Planning with
  Wrapped Title</title><summary>  First line
second line. </summary><published>2026-11-18T10:00:00Z</published>
<author><name>Ada Lovelace</name><arxiv:affiliation>Analytical Engines Ltd</arxiv:affiliation></author>
<author><name>Aurora RamÃ­rez</name></author>
<arxiv:doi>10.1000/xyz</arxiv:doi><arxiv:comment>8 pages</arxiv:comment><arxiv:journal_ref>J. Tests 1</arxiv:journal_ref>
<arxiv:primary_category term="cs.LG"/><category term="cs.LG"/><category term="stat.ML"/></entry>"""


def test_atom_entry_fields_versions_and_old_style_ids() -> None:
    data = atom(ENTRY.format(id="2611.00042v3") + ENTRY.format(id="cond-mat/0603029v1"), total=2)
    assert sniff(data) == "arxiv_atom"
    digest, problems = arxiv_atom.parse(data)
    a, b = digest.entries
    assert problems == []
    assert digest.listing == "arxiv_query"
    assert (a.arxiv_id, a.arxiv_version, b.arxiv_id, b.arxiv_version) == (
        "2611.00042",
        3,
        "cond-mat/0603029",
        1,
    )
    assert a.title == "Orca Planning with Wrapped Title"
    assert a.abstract == "First line second line."
    assert a.authors == ["Ada Lovelace", "Aurora Ramírez"]  # mojibake repaired
    assert a.affiliations == ["Analytical Engines Ltd", ""]
    assert (a.primary_category, a.categories) == ("cs.LG", ["cs.LG", "stat.ML"])
    assert (a.doi, a.comment, a.journal_ref) == ("10.1000/xyz", "8 pages", "J. Tests 1")


def test_atom_error_entry_is_an_error_and_empty_listing_is_valid() -> None:
    err = atom(
        "<entry><id>https://arxiv.org/api/errors#bad</id><title>Error</title>"
        "<summary>incorrect id format for zzz</summary></entry>"
    )
    with pytest.raises(ParseError, match="arXiv API error response: incorrect id format for zzz"):
        arxiv_atom.parse(err)
    digest, problems = arxiv_atom.parse(atom("", total=0))
    assert digest.entries == []
    assert problems == []


@pytest.mark.parametrize(
    "bomb",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>',
        b'<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>',
        # UTF-16 without a BOM: no ASCII bytes to scan for a DTD
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol;</title></feed>'.encode("utf-16-le"),
    ],
)
def test_xml_entity_expansion_and_external_entities_are_refused(bomb: bytes) -> None:
    with pytest.raises(ParseError, match="unsafe XML refused"):
        arxiv_atom.parse(bomb)


RSS = """<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
<channel><title>cs.LG updates on arXiv.org</title><pubDate>Mon, 23 Nov 2026 00:00:00 -0500</pubDate>
<item><title>Fresh Paper</title><link>https://arxiv.org/abs/2611.00100</link>
<description>arXiv:2611.00100v1 Announce Type: new
Abstract: A new idea.</description><guid isPermaLink="false">oai:arXiv.org:2611.00100v1</guid>
<category>cs.LG</category><arxiv:announce_type>new</arxiv:announce_type>
<dc:creator>Ada Lovelace, Alan Turing and Grace Hopper</dc:creator></item>
<item><title>Old Paper, Revised</title><link>https://arxiv.org/abs/2401.00001</link>
<description>arXiv:2401.00001v4 Announce Type: replace
Abstract: Revised.</description><guid isPermaLink="false">oai:arXiv.org:2401.00001v4</guid>
<category>cs.LG</category><arxiv:announce_type>replace</arxiv:announce_type>
<dc:creator>Solo Author</dc:creator></item>
</channel></rss>"""


def test_rss_announce_types_versions_and_ordered_authors() -> None:
    data = RSS.encode()
    assert sniff(data) == "arxiv_rss"
    digest, _ = arxiv_rss.parse(data)
    fresh, revised = digest.entries
    assert str(digest.content_date) == "2026-11-23"
    assert digest.listing == "arxiv_listing"
    assert (fresh.arxiv_id, fresh.announce_type, fresh.abstract) == (
        "2611.00100",
        "new",
        "A new idea.",
    )
    assert fresh.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert (revised.arxiv_id, revised.arxiv_version, revised.announce_type) == (
        "2401.00001",
        4,
        "replace",
    )


@pytest.mark.parametrize(
    ("creator", "authors"),
    [
        # one name's mojibake undone though another name (Ł) is not cp1252 at all
        (
            "Aurora RamÃ\u00adrez, \u0141ukasz Kaiser and Jo",
            ["Aurora Ramírez", "\u0141ukasz Kaiser", "Jo"],
        ),
        # a hard wrap and a control character inside the list
        ("Ada Lovelace,\n    Alan\x9bTuring", ["Ada Lovelace", "Alan Turing"]),
        ("  Solo\u00a0Author  ", ["Solo\u00a0Author"]),
    ],
)
def test_rss_author_lists_are_split_unwrapped_and_repaired_name_by_name(
    creator: str, authors: list[str]
) -> None:
    data = RSS.replace("Solo Author", html.escape(creator)).encode()
    _, revised = arxiv_rss.parse(data)[0].entries
    assert revised.authors == authors


def hf_html(items: list[dict], date: str = "2026-11-20T00:00:00.000Z") -> bytes:
    props = html.escape(json.dumps({"date": date, "dailyPapers": items}), quote=True)
    return (
        f"<!doctype html><html><head><title>Daily Papers</title></head><body>"
        f'<div class="SVELTE_HYDRATER contents" data-target="MainHeader" data-props="{{}}"></div>'
        f'<div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="{props}"></div>'
        f"<article>cards we do not read</article></body></html>"
    ).encode()


def test_hf_page_html_reads_the_hydration_props() -> None:
    data = hf_html(
        [
            hf_item("2611.00001", 'Quotes "and" <Angles> & Amps', "2026-11-20"),
            hf_item("2611.00002", "Second", "2026-11-20"),
        ]
    )
    assert sniff(data) == "hf_page_html"
    digest, problems = hf_page_html.parse(data)
    assert problems == []
    assert str(digest.content_date) == "2026-11-20"
    assert [(e.arxiv_id, e.title) for e in digest.entries] == [
        ("2611.00001", 'Quotes "and" <Angles> & Amps'),
        ("2611.00002", "Second"),
    ]


def test_an_html_error_page_saved_as_json_is_refused_with_reason() -> None:
    page = b"<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body>slow down</body></html>"
    assert sniff(page) == "hf_page_html"
    with pytest.raises(ParseError, match=r"'429 Too Many Requests'.*no papers data"):
        hf_page_html.parse(page)


def test_python_repr_items_are_salvaged_without_eval() -> None:
    items = [
        repr(hf_item("2611.00001", "Repr Paper", "2026-11-20")),
        json.dumps(hf_item("2611.00002", "Json Text", "2026-11-20")),
    ]
    digest, problems = hf_daily_json.parse(json.dumps(items).encode())
    assert problems == []
    assert [e.arxiv_id for e in digest.entries] == ["2611.00001", "2611.00002"]
    whole_repr = repr([hf_item("2611.00003", "All Repr", "2026-11-20")]).encode()
    digest, _ = hf_daily_json.parse(whole_repr)
    assert [e.title for e in digest.entries] == ["All Repr"]
    evil = b"[\"{'paper': __import__('os').system('echo pwned')}\"]"
    with pytest.raises(ParseError, match="no readable paper"):
        hf_daily_json.parse(evil)


def test_truncated_array_keeps_its_complete_items() -> None:
    full = json.dumps(
        [hf_item(f"2611.0000{i}", f"Paper {i}", "2026-11-20") for i in range(1, 4)], indent=1
    )
    digest, problems = hf_daily_json.parse(full[: full.rindex("Paper 3")].encode())
    assert [e.arxiv_id for e in digest.entries] == ["2611.00001", "2611.00002"]
    assert len(problems) == 1
    assert problems[0].reason.startswith("truncated JSON: 2 complete items kept")


def mail(
    html_body: str | None, text_body: str | None, date: str = "Fri, 20 Nov 2026 08:00:00 +0000"
) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Date"] = (
        "digest@example.org",
        "me@example.org",
        "Trending papers",
        date,
    )
    if text_body is not None:
        msg.set_content(text_body)
    if html_body is not None:
        if text_body is None:
            msg.set_content(html_body, subtype="html")
        else:
            msg.add_alternative(html_body, subtype="html")
    return msg.as_bytes()


def test_email_html_links_give_ids_and_titles() -> None:
    body = (
        '<p><a href="https://huggingface.co/papers/2611.00001">OrcaNet: Planning With Whales</a> '
        '<a href="https://huggingface.co/papers/2611.00001">Read more</a></p>'
        '<p><a href="https://arxiv.org/abs/2401.00001v2">Revised Paper</a></p><a href="https://example.org">x</a>'
    )
    data = mail(body, "plain fallback")
    assert sniff(data) == "email"
    digest, _ = email_digest.parse(data)
    assert [(e.arxiv_id, e.title) for e in digest.entries] == [
        ("2611.00001", "OrcaNet: Planning With Whales"),
        ("2401.00001", "Revised Paper"),
    ]
    assert digest.listing == "email"
    assert str(digest.content_date) == "2026-11-20"


def test_email_plain_text_links() -> None:
    text = (
        "Today's picks\n\nOrcaNet: Planning With Whales\nhttps://huggingface.co/papers/2611.00001\n\n"
        "Revised Paper - https://arxiv.org/abs/2401.00001\n"
    )
    digest, _ = email_digest.parse(mail(None, text))
    assert [(e.arxiv_id, e.title) for e in digest.entries] == [
        ("2611.00001", "OrcaNet: Planning With Whales"),
        ("2401.00001", "Revised Paper"),
    ]


def test_email_without_papers_is_refused() -> None:
    with pytest.raises(ParseError, match="no paper links"):
        email_digest.parse(mail(None, "Hello, nothing here."))


def test_maildir_and_formats_merge_into_one_paper(lake_dir: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "Maildir" / "cur").mkdir(parents=True)
    (inbox / "Maildir" / "new").mkdir()
    (inbox / "Maildir" / "cur" / "1764000000.M1P1.host:2,S").write_bytes(
        mail('<a href="https://huggingface.co/papers/2611.00001">OrcaNet</a>', None)
    )
    (inbox / "page.html").write_bytes(
        hf_html([hf_item("2611.00001", "OrcaNet: Planning", "2026-11-20")])
    )
    (inbox / "feed.xml").write_bytes(atom(ENTRY.format(id="2611.00001v2")))
    (inbox / "listing.rss").write_bytes(RSS.replace("2611.00100", "2611.00001").encode())
    report = ingest(lake_dir, inbox)
    assert report.status == "published"
    assert not report.quarantined
    rows = query(
        lake_dir,
        "SELECT paper_id, n_digests, arxiv_version, doi FROM papers WHERE paper_id = '2611.00001'",
    )
    assert rows == [("2611.00001", 4, 2, "10.1000/xyz")]
    assert sorted(r[0] for r in query(lake_dir, "SELECT DISTINCT format FROM digests")) == [
        "arxiv_atom",
        "arxiv_rss",
        "email",
        "hf_page_html",
    ]
    affiliations = query(
        lake_dir,
        "SELECT name, affiliation FROM paper_authors WHERE paper_id = '2611.00001' ORDER BY position",
    )
    assert affiliations[0] == ("Ada Lovelace", "Analytical Engines Ltd")


def test_rss_replace_is_a_new_version_not_a_new_paper(lake_dir: Path, tmp_path: Path) -> None:
    first = tmp_path / "a" / "feed.xml"
    first.parent.mkdir()
    first.write_bytes(atom(ENTRY.format(id="2401.00001v3")))
    assert ingest(lake_dir, first).new_papers == 1
    rss = tmp_path / "b" / "listing.xml"
    rss.parent.mkdir()
    rss.write_text(RSS)
    report = ingest(lake_dir, rss)
    assert report.new_papers == 1  # the "new" item only; the replace is the known 2401.00001
    assert query(lake_dir, "SELECT arxiv_version FROM papers WHERE paper_id = '2401.00001'") == [
        (4,)
    ]
    assert query(
        lake_dir,
        "SELECT announce_type FROM digest_entries WHERE paper_id = '2401.00001' "
        "AND announce_type IS NOT NULL",
    ) == [("replace",)]


def test_weekly_and_trending_pages_are_labelled() -> None:
    props = html.escape(
        json.dumps({"week": "2026-W47", "dailyPapers": [hf_item("2611.00001", "W", "2026-11-20")]})
    )
    page = f'<!doctype html><html><body><div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="{props}"></div></body></html>'
    assert hf_page_html.parse(page.encode())[0].listing == "weekly"
    trending = page.replace("DailyPapers", "TrendingPapers").replace("week", "x")
    assert hf_page_html.parse(trending.encode())[0].listing == "trending"
