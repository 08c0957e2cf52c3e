"""A lake at s3://bucket/prefix, against moto's S3 server on loopback: raw files, Delta tables,
ledgers, marts and the DuckDB views (httpfs) all live in the bucket."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from bench.crash_harness import hashes
from pipeline.run import run_ingest
from pipeline.settings import Settings
from samples import bundled_samples
from tests.helpers import ingest
from warehouse.lake import Lake
from warehouse.query import run_query

pytestmark = pytest.mark.integration


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """moto's S3 server in its own process: delta-rs holds the GIL on some calls, so a server
    thread in this process would stall behind them."""
    import boto3

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_REGION": "us-east-1",
            "PAPERDIGEST_WORKDIR": str(tmp_path / "work"),
        }.items():
            monkeypatch.setenv(key, value)
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket="paperdigest"
        )
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)


def _keys(endpoint: str, prefix: str) -> list[str]:
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="paperdigest", Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_a_lake_on_s3_publishes_and_serves_the_same_warehouse(
    s3_endpoint: str, tmp_path: Path
) -> None:
    settings = Settings.build(lake="s3://paperdigest/lakes/main")
    assert settings.lake.store.remote
    assert settings.lake.location == "s3://paperdigest/lakes/main"
    report = run_ingest(settings, [bundled_samples()])
    assert report.status == "published"
    assert report.entries > 100

    keys = _keys(s3_endpoint, "lakes/main/")
    raw = [k for k in keys if k.startswith("lakes/main/raw/")]
    assert len(raw) == len(list(bundled_samples().iterdir()))
    assert any(k.startswith("lakes/main/tables/digest_entries/_delta_log/") for k in keys)
    assert "lakes/main/runs/LATEST" in keys
    for mart in ("trending_daily", "paper_history", "run_health"):
        assert any(k.startswith(f"lakes/main/marts/{mart}/") for k in keys), mart
    # nothing of the lake on the local disk but its working folder (lock, views file)
    assert not (tmp_path / "lake").exists()

    # the same warehouse as a local lake, table by table
    ingest(tmp_path / "local", bundled_samples())
    remote = Lake.at("s3://paperdigest/lakes/main")
    local_hashes = hashes(tmp_path / "local")
    assert {name: remote.content_hash(name) for name in local_hashes} == local_hashes

    # DuckDB views read the Parquet files from the bucket (httpfs)
    _cols, rows = run_query(remote, "SELECT count(*), count(DISTINCT paper_id) FROM digest_entries")
    assert rows[0][0] == report.entries
    _, top = run_query(
        remote, "SELECT paper_id FROM trending_daily ORDER BY digest_date DESC LIMIT 1"
    )
    assert top
    assert top[0][0]
    local = run_query(Lake.at(tmp_path / "local"), "SELECT count(*) FROM paper_history")[1]
    assert run_query(remote, "SELECT count(*) FROM paper_history")[1] == local

    # a mart is a Parquet object a dashboard can read straight from the bucket
    mart_rows = pl.concat(
        pl.read_parquet(io.BytesIO(remote.store.read(k)))
        for k in remote.store.list("marts/paper_history")
    )
    assert mart_rows.height == local[0][0]

    # a second run over the same files lands nothing new and changes nothing
    again = run_ingest(Settings.build(lake="s3://paperdigest/lakes/main"), [bundled_samples()])
    assert again.status == "noop"
    assert {name: remote.content_hash(name) for name in local_hashes} == local_hashes
