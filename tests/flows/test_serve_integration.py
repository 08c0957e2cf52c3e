"""``paperdigest serve`` against a real ``prefect server start`` on loopback, fetching from a
loopback HTTP server: one triggered run must complete and publish."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from werkzeug import Request, Response

from samples.items import hf_item
from tests.helpers import query

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_httpserver import HTTPServer

pytestmark = [pytest.mark.prefect_server, pytest.mark.integration]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except httpx.HTTPError as e:
            last = e
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what} ({last})")


@pytest.fixture
def prefect_server_process(tmp_path: Path) -> Iterator[tuple[dict[str, str], subprocess.Popen]]:
    """A real ``prefect server start`` on a free loopback port: (the environment that points
    at it, its process)."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(
            lambda: httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200,
            120,
            "the Prefect server",
        )
        yield env, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def prefect_server(
    prefect_server_process: tuple[dict[str, str], subprocess.Popen],
) -> dict[str, str]:
    return prefect_server_process[0]


def test_served_deployment_runs_and_publishes(
    prefect_server: dict[str, str], httpserver: HTTPServer, tmp_path: Path
) -> None:
    # the served flow's runs take their clock from the environment, in another year than ours
    today = date(2031, 3, 9)

    def daily(request: Request) -> Response:
        day = request.args.get("date", today.isoformat())
        items = [
            hf_item("2611.00001", "Served Paper One", day, upvotes=3),
            hf_item("2611.00002", "Served Paper Two", day, upvotes=8),
        ]
        return Response(json.dumps(items), content_type="application/json")

    httpserver.expect_request("/api/daily_papers").respond_with_handler(daily)
    settings = tmp_path / "paperdigest.toml"
    settings.write_text(
        f'[hf]\nbase_url = "{httpserver.url_for("").rstrip("/")}"\nrefetch_days = 1\n'
        f"[http]\ndefault_interval_s = 0.0\n"
    )
    lake = tmp_path / "lake"
    api = prefect_server["PREFECT_API_URL"]
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [str(BIN / "paperdigest"), "serve", "--lake", str(lake), "--settings", str(settings)],
        env={**prefect_server, "PAPERDIGEST_NOW": f"{today.isoformat()}T06:30:00Z"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deployment = wait_for(
            lambda: (
                (
                    r := httpx.get(f"{api}/deployments/name/fetch-hf-daily/hf-daily", timeout=5)
                ).status_code
                == 200
                and r.json()
            ),
            90,
            "the hf-daily deployment",
        )
        assert deployment["schedules"], "the deployment must carry its schedule"
        # runs of the same flow never overlap: a deployment concurrency limit of 1 (and the lake lock)
        assert deployment["global_concurrency_limit"]["limit"] == 1
        # a fresh server's SQLite can answer 503 while its services start: retry the trigger
        run = wait_for(
            lambda: (
                (
                    r := httpx.post(
                        f"{api}/deployments/{deployment['id']}/create_flow_run", json={}, timeout=10
                    )
                ).status_code
                in (200, 201)
                and r.json()
            ),
            60,
            "creating a flow run",
        )

        def finished() -> dict | None:
            response = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=5)
            if response.status_code != 200:
                return None
            state = response.json()["state"]
            return (
                state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None
            )

        state = wait_for(finished, 180, "the triggered flow run")
        assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        log.close()
    # today and yesterday were fetched; each day is one digest of two entries
    assert query(lake, "SELECT status FROM run_health") == [("published",)]
    assert query(lake, "SELECT count(*), sum(n_entries) FROM digests") == [(2, 4)]
    days = {r[0] for r in query(lake, "SELECT digest_date FROM digests")}
    assert days == {today, today - timedelta(days=1)}
    assert query(lake, "SELECT count(*) FROM fetches WHERE status = 200") == [(2,)]


def test_a_run_published_before_the_prefect_server_died_says_so(
    prefect_server_process: tuple[dict[str, str], subprocess.Popen], tmp_path: Path
) -> None:
    import psutil

    from samples import bundled_samples

    env, server = prefect_server_process
    lake = tmp_path / "lake"
    run = subprocess.Popen(
        [str(BIN / "paperdigest"), "run", str(bundled_samples()), "--lake", str(lake)],
        env={**env, "PAPERDIGEST_STALL_AT": "after-ledger:4"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_for(lambda: list((lake / "runs").glob("*.json")), 120, "the run's ledger")
    for p in psutil.Process(server.pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):  # one that already exited
            p.kill()
    server.kill()  # the run is committed; Prefect's API goes away while it finishes
    t0 = time.monotonic()
    out, _ = run.communicate(timeout=180)
    assert run.returncode == 0, out[-3000:]
    assert "the run is published, but Prefect failed after it committed" in out
    assert "published (exit 0)" in out  # (Prefect logs its own lost connections beside)
    assert time.monotonic() - t0 < 90, "waits on Prefect's API are bounded"
    assert query(lake, "SELECT count(*) FROM digests") == [(8,)]


@pytest.mark.slow
def test_a_terminated_run_leaves_no_temporary_prefect_server(tmp_path: Path) -> None:
    import signal

    import psutil

    from samples import bundled_samples

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    run = subprocess.Popen(
        [str(BIN / "paperdigest"), "run", str(bundled_samples()), "--lake", str(tmp_path / "l")],
        env={**env, "PAPERDIGEST_STALL_AT": "after-land:60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def server() -> list[psutil.Process]:
        found = []
        for p in psutil.Process(run.pid).children(recursive=True):
            # a child that exits while we look (a zombie until reaped) is not the server
            with contextlib.suppress(psutil.Error):
                if "uvicorn" in " ".join(p.cmdline()):
                    found.append(p)
        return found

    servers = wait_for(server, 120, "Prefect's temporary server")
    wait_for(lambda: list((tmp_path / "l" / "raw").rglob("*.json")), 120, "the run to land")
    run.send_signal(signal.SIGTERM)
    out, _ = run.communicate(timeout=60)
    assert run.returncode != 0
    _, alive = psutil.wait_procs(servers, timeout=20)
    assert not alive, out[-2000:]
