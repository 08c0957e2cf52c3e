"""Backfills: many digests in date-ordered batches, one run each, so memory stays bounded by a
batch and a failure costs one batch, not the whole history."""

from __future__ import annotations

import gc
import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from datetime import date, datetime
from itertools import repeat
from multiprocessing import get_context
from typing import TYPE_CHECKING

from transforms.dates import date_in_filename
from transforms.landing import collect_paths

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Sequence
    from concurrent.futures import Future
    from multiprocessing.connection import Connection
    from pathlib import Path

    from pipeline.parsing import BatchAhead
    from pipeline.report import RunReport
    from pipeline.run import Caller
    from pipeline.settings import Settings
    from warehouse.clock import Clock

# The pipeline (Polars, Delta, GX) is imported by the functions that run batches, not
# here: the CLI's process only plans the batches and waits for the processes that run them,
# and its size counts in the backfill's peak all along.


def plan_batches(paths: Sequence[Path], batch_files: int) -> list[list[Path]]:
    """Files in date order (the date in their name; undated ones last), ``batch_files`` a batch.

    Batches may span months: a run's fixed costs (the gate's per-expectation overhead, one
    Delta commit per table) are paid per batch, so fewer, larger batches backfill faster;
    memory stays bounded by one batch.
    """
    if batch_files < 1:
        raise ValueError("--batch-files must be at least 1")
    files = sorted(
        collect_paths(paths), key=lambda p: (date_in_filename(p.name) or date.max, p.name)
    )
    return [files[i : i + batch_files] for i in range(0, len(files), batch_files)]


def batch_line(i: int, n: int, r: RunReport) -> str:
    """One progress line per batch: what it published and where its seconds went."""
    stages = ", ".join(f"{k} {v:.1f}" for k, v in r.stage_seconds.items())
    return (
        f"  batch {i}/{n}: {r.status}, {r.files_new} new files, {r.entries} entries, "
        f"{r.new_papers} new papers, {len(r.quarantined)} quarantined, {r.seconds:.1f} s ({stages})"
    )


def print_batch(i: int, n: int, r: RunReport) -> None:
    print(batch_line(i, n, r), flush=True)


def run_backfill(
    make_settings: Callable[[], Settings],
    batches: list[list[Path]],
    call: Caller | None = None,
    on_batch: Callable[[int, int, RunReport], None] | None = None,
    ahead: Iterable[BatchAhead | None] | None = None,
    refresh: bool = True,
) -> list[RunReport]:
    """One ingest run per batch, in order; stops at a rejected or failed batch.

    ``ahead`` yields each batch's files already parsed and enriched (by Dask workers or a
    helper process, ahead of the publishing runs); publishing stays serial and in date order,
    so the result is the serial one.
    ``refresh=False`` leaves views and marts to the caller (``backfill_apart``).
    """
    from pipeline.finish import refresh_views_and_marts
    from pipeline.run import direct_call, run_ingest

    reports: list[RunReport] = []
    done_ahead = iter(ahead) if ahead is not None else repeat(None)
    for i, batch in enumerate(batches, start=1):
        # views and marts are rebuilt once, by the last batch (or by the next run after a stop)
        report = run_ingest(
            make_settings(),
            batch,
            call=call or direct_call,
            refresh_outputs=refresh and i == len(batches),
            ahead=next(done_ahead, None),
        )
        reports.append(report)
        if on_batch:
            on_batch(i, len(batches), report)
        if report.status in ("rejected", "failed"):
            if refresh and i < len(batches):
                refresh_views_and_marts(make_settings())
            break
    return reports


# the helper's priority: below the run's, whose work is what the backfill waits for
HELPER_NICENESS = 10


def settle_heap() -> None:
    """Keep what the process holds now (modules, GX's context and suites) out of the garbage
    collector's scans: it lives as long as the process, yet every full collection, set off by
    the objects parsing makes, would walk all of it again."""
    gc.freeze()


def _helper_start() -> None:
    from pipeline.lifetime import die_with_parent

    die_with_parent()
    os.nice(HELPER_NICENESS)
    settle_heap()


def parsed_ahead(
    batches: Sequence[Sequence[Path]],
    max_bytes: int,
    meanwhile: Callable[[], object] | None = None,
) -> Generator[BatchAhead | None, None, None]:
    """Each batch's parse outcomes and enrichments, done by a helper process while this one
    runs the batch before: on a second core they cost no wall time.

    While the helper starts and does the first batch, ``meanwhile`` runs here (the run's own
    warm-up). A batch the helper could not do (it died, or raised) is ``None``: the run parses
    it, and its errors surface there, as in a serial run. One batch waits at most, so memory
    stays bounded. The helper runs at a lower priority: it has time to spare, and the run's
    own work (publishing on two threads) is what the backfill waits for.
    """
    from pipeline.parsing import parse_ahead

    with ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=_helper_start
    ) as helper:

        def submit(i: int) -> Future[BatchAhead] | None:
            if i >= len(batches):
                return None
            try:
                return helper.submit(parse_ahead, [str(p) for p in batches[i]], max_bytes)
            except RuntimeError:  # the helper broke: the rest are parsed by the runs
                return None

        pending = submit(0)
        if meanwhile is not None:
            meanwhile()
        for i in range(len(batches)):
            current, pending = pending, submit(i + 1)
            try:
                yield current.result() if current is not None else None
            except Exception:
                yield None


# batches per process: a process that has run many batches holds what they left in its
# allocators, so a fresh one takes over; each start costs imports, GX's
# warm-up and the wait for the helper's first batch
BATCHES_PER_PROCESS = 20


def process_shares(n_batches: int, per_process: int) -> list[range]:
    """The batches each process runs: about ``per_process`` each, in equal shares, so a short
    tail (41 batches: 21 and 20, not 20, 20 and 1) never pays a process start of its own."""
    processes = max(1, round(n_batches / per_process))
    size = -(-n_batches // processes)
    return [range(at, min(at + size, n_batches)) for at in range(0, n_batches, size)]


def _batches_in_child(
    conn: Connection,
    lake: str | None,
    now: datetime,
    batches: list[list[Path]],
    done: int,
    total: int,
) -> None:
    from pipeline.lifetime import die_with_parent

    die_with_parent()
    try:
        from expectations.suites import warm_up
        from pipeline.settings import Settings, later

        base = Settings.build(lake=lake, now=now)

        def ready() -> None:
            warm_up()
            settle_heap()

        ahead = parsed_ahead(batches, base.max_input_bytes, meanwhile=ready)
        with closing(ahead):
            reports = run_backfill(
                lambda: later(base),
                batches,
                on_batch=lambda i, _, r: print_batch(done + i, total, r),
                refresh=False,
                ahead=ahead,
            )
        conn.send(reports)
    except BaseException as e:
        conn.send(f"{type(e).__name__}: {e}")
        raise


def _in_child(
    lake: str | None, now: datetime, batches: list[list[Path]], done: int, total: int
) -> list[RunReport]:
    ctx = get_context("spawn")  # not forked: this process may run Polars' thread pool
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_batches_in_child, args=(send, lake, now, batches, done, total), name="batches"
    )
    proc.start()
    send.close()
    try:
        got: object = receive.recv()
    except EOFError:  # died without a word (killed)
        got = None
    except BaseException:  # this command stopping (SIGTERM, Ctrl-C) stops its batches too
        proc.terminate()
        proc.join()
        raise
    proc.join()
    if not isinstance(got, list):
        raise RuntimeError(f"the backfill's batches failed (exit {proc.exitcode}): {got}")
    return got


def backfill_apart(
    lake: str | None,
    batches: list[list[Path]],
    clock: Clock,
    per_process: int = BATCHES_PER_PROCESS,
) -> list[RunReport]:
    """The batches in spawned processes, about ``per_process`` each (``process_shares``), one
    process at a time; then views and marts rebuilt here, once the last has exited. Each
    process's runs go on from ``clock`` (the backfill's), read when it starts.

    Memory is then bounded by what one process's batches leave behind, and rebuilding every
    mart never adds to it. Stops at a rejected or failed batch.
    """
    reports: list[RunReport] = []
    for share in process_shares(len(batches), per_process):
        got = _in_child(
            lake, clock.now(), batches[share.start : share.stop], share.start, len(batches)
        )
        reports += got
        if got[-1].status in ("rejected", "failed"):
            break
    from pipeline.finish import refresh_views_and_marts
    from pipeline.settings import Settings

    t = time.perf_counter()
    refresh_views_and_marts(Settings.build(lake=lake, now=clock.now()))
    print(f"  views and marts rebuilt in {time.perf_counter() - t:.1f} s", flush=True)
    return reports
