"""DuckDB connections to the views file, able to read a lake on S3 (httpfs, offline wheel)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import duckdb

if TYPE_CHECKING:
    from warehouse.lake import Lake


class ExtensionMissing(RuntimeError):
    pass


def extension_path(name: str) -> Path:
    """A DuckDB extension shipped as a pip wheel (duckdb-ext-<name>), matched to this DuckDB."""
    spec = importlib.util.find_spec("duckdb_ext")
    platform = duckdb.execute("PRAGMA platform").fetchone()
    if spec is None or not spec.submodule_search_locations or platform is None:
        raise ExtensionMissing(
            f"DuckDB's {name} extension is not installed (pip package duckdb-ext-{name})"
        )
    base = Path(next(iter(spec.submodule_search_locations)))
    path = (
        base
        / "extensions"
        / f"v{duckdb.__version__}"
        / str(platform[0])
        / f"{name}.duckdb_extension"
    )
    if not path.exists():
        raise ExtensionMissing(
            f"no {name} extension for DuckDB {duckdb.__version__} on {platform[0]} at {path}"
        )
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"INSTALL '{extension_path(name)}'")
    con.execute(f"LOAD {name}")


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def enable_s3(con: duckdb.DuckDBPyConnection, options: dict[str, str]) -> None:
    """httpfs plus a temporary secret from the lake's storage options (never stored on disk)."""
    load_extension(con, "httpfs")
    parts = [f"REGION {_q(options.get('AWS_REGION', 'us-east-1'))}"]
    if options.get("AWS_ACCESS_KEY_ID"):
        parts.append(f"KEY_ID {_q(options['AWS_ACCESS_KEY_ID'])}")
        parts.append(f"SECRET {_q(options.get('AWS_SECRET_ACCESS_KEY', ''))}")
    if options.get("AWS_SESSION_TOKEN"):
        parts.append(f"SESSION_TOKEN {_q(options['AWS_SESSION_TOKEN'])}")
    endpoint = options.get("AWS_ENDPOINT_URL")
    if endpoint:
        url = urlsplit(endpoint)
        parts.append(f"ENDPOINT {_q(url.netloc)}")
        parts.append("URL_STYLE 'path'")
        parts.append(f"USE_SSL {'true' if url.scheme == 'https' else 'false'}")
    con.execute(
        f"CREATE OR REPLACE TEMPORARY SECRET paperdigest_lake (TYPE s3, {', '.join(parts)})"
    )


def connect(
    lake: Lake, path: Path | None = None, read_only: bool = True
) -> duckdb.DuckDBPyConnection:
    """The views file (or ``path``), ready to read the lake's Parquet wherever it lives: the
    views name a local lake's files relative to its root, found through ``file_search_path``."""
    con = duckdb.connect(str(lake.engine_path(path or lake.views_path)), read_only=read_only)
    if not lake.store.remote:
        con.execute(f"SET file_search_path = {_q(str(lake.engine_root))}")
    if lake.store.remote:
        try:
            enable_s3(con, lake.storage_options or {})
        except Exception:
            con.close()
            raise
    return con
