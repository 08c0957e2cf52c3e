"""Full-text search (BM25 over title and abstract) with DuckDB's fts extension, offline.

The extension ships on PyPI (``duckdb-ext-fts``, matched to the DuckDB version) and is installed
from that file, so no network is needed. The index lives in ``<lake>/search.duckdb``, rebuilt
beside and swapped in when the newest published run differs from the one it was built for; a
reader who cannot write to the lake builds it in their cache folder instead
(``$XDG_CACHE_HOME/paperdigest/search/``), so a read-only lake is searched as well.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse import duck
from warehouse.duck import ExtensionMissing, load_extension
from warehouse.table_sql import quote

if TYPE_CHECKING:
    from datetime import date

    from warehouse.lake import Lake


class SearchUnavailable(RuntimeError):
    pass


def _load_fts(con: duckdb.DuckDBPyConnection) -> None:
    try:
        load_extension(con, "fts")
    except ExtensionMissing as e:
        raise SearchUnavailable(str(e)) from None


def index_path(lake: Lake) -> Path:
    """Where this reader's index is: in the lake when it may write there, else its cache."""
    in_lake = lake.root / "search.duckdb"
    if _writable(lake.root):
        return in_lake
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(lake.root).encode()).hexdigest()[:16]
    return cache / "paperdigest" / "search" / f"{digest}.duckdb"


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _index_to_read(lake: Lake, run_id: str) -> Path | None:
    """An index built for ``run_id``: the lake's (another reader may have built it), or ours."""
    for path in (lake.root / "search.duckdb", index_path(lake)):
        if _indexed_run(lake, path) == run_id:
            return path
    return None


def _indexed_run(lake: Lake, path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(lake.engine_path(path)), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT run_id FROM index_meta").fetchone()
        return str(row[0]) if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def ensure_index(lake: Lake) -> bool:
    """Build the index if it is missing or older than the newest run; True when it was built."""
    return _current_index(lake)[1]


def _current_index(lake: Lake) -> tuple[Path, bool]:
    """The index of the newest run (built now if there is none), and whether it was built."""
    ledger = lake.latest_ledger()
    if ledger is None or not lake.views_path.exists():
        raise SearchUnavailable(f"no warehouse at {lake.root}: run `paperdigest run` first")
    found = _index_to_read(lake, ledger["run_id"])
    if found is not None:
        return found, False
    target = index_path(lake)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duck.connect(lake, tmp, read_only=False)
    try:
        _load_fts(con)
        con.execute(f"ATTACH {quote(str(lake.engine_path(lake.views_path)))} AS wh (READ_ONLY)")
        con.execute("""CREATE TABLE docs AS SELECT paper_id, title, coalesce(abstract, '') AS abstract,
                       first_seen, last_seen, max_upvotes FROM wh.papers""")
        con.execute("CREATE TABLE topics AS SELECT paper_id, topic FROM wh.paper_topics")
        con.execute("DETACH wh")
        con.execute(
            "PRAGMA create_fts_index('docs', 'paper_id', 'title', 'abstract', "
            "stemmer = 'english', stopwords = 'english', overwrite = 1)"
        )
        con.execute("CREATE TABLE index_meta AS SELECT ? AS run_id", [ledger["run_id"]])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.replace(target)
    return target, True


@dataclass(frozen=True)
class Hit:
    rank: int
    paper_id: str
    title: str
    score: float
    first_seen: date
    last_seen: date
    max_upvotes: int | None


def search(
    lake: Lake,
    query: str,
    *,
    since: date | None = None,
    until: date | None = None,
    topic: str | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Papers ranked by BM25; ``since``/``until`` keep papers seen in that range."""
    if not query.strip():
        raise ValueError("an empty query matches nothing")
    path, _ = _current_index(lake)
    con = duckdb.connect(str(lake.engine_path(path)), read_only=True)
    try:
        _load_fts(con)
        sql = """
            SELECT paper_id, title, score, first_seen, last_seen, max_upvotes FROM (
                SELECT *, fts_main_docs.match_bm25(paper_id, $q) AS score FROM docs
            ) WHERE score IS NOT NULL
              AND ($since IS NULL OR last_seen >= $since)
              AND ($until IS NULL OR first_seen <= $until)
              AND ($topic IS NULL OR paper_id IN (SELECT paper_id FROM topics WHERE topic = $topic))
            ORDER BY score DESC, paper_id
            LIMIT $limit
        """
        rows = con.execute(
            sql, {"q": query, "since": since, "until": until, "topic": topic, "limit": limit}
        ).fetchall()
    finally:
        con.close()
    return [
        Hit(i, r[0], r[1], round(float(r[2]), 4), r[3], r[4], r[5])
        for i, r in enumerate(rows, start=1)
    ]
