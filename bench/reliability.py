"""The long variants of the reliability checks: every kill point plus random kills, and a larger
hostile-input campaign. Prints a table and returns figures for bench/results.json."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.crash_harness import STAGE_POINTS, crash_campaign, readers_during, run_cli, split_samples
from bench.hostile_inputs import corpus, process
from samples import bundled_samples


def crash(random_kills: int = 10) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="paperdigest-crash-"))
    try:
        first, second = split_samples(work, bundled_samples())
        t0 = time.perf_counter()
        report = crash_campaign(work / "w", first, second, STAGE_POINTS, random_kills=random_kills)
        return {
            "kill_points_tried": len(report.tried),
            "survived": len(report.survived),
            "failures": report.failures,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def readers(rounds: int = 3) -> dict[str, Any]:
    """Two plain-DuckDB readers in tight loops while runs publish, one digest file a run, then
    every file again: how many reads, how many failed, how many saw two runs at once."""
    work = Path(tempfile.mkdtemp(prefix="paperdigest-readers-"))
    try:
        files = sorted(bundled_samples().iterdir())
        folders = []
        for i, f in enumerate(files):
            folder = work / "in" / str(i)
            folder.mkdir(parents=True)
            shutil.copy(f, folder / f.name)
            folders.append(folder)
        lake = work / "lake"
        published = 0

        def publish() -> None:
            nonlocal published
            for r in range(rounds):
                for folder in folders if r == 0 else [bundled_samples()]:
                    assert run_cli(lake, folder) in (0, 3)
                    published += 1

        t0 = time.perf_counter()
        reads, failed, mixed = readers_during(lake, publish)
        return {
            "runs": published,
            "reads": reads,
            "failed_reads": failed,
            "mixed_reads": mixed,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def hostile(rounds: int = 20) -> dict[str, Any]:
    import random

    base = corpus()
    rng = random.Random(99)
    tried, slowest, outcomes = 0, ("", 0.0), {"parsed": 0, "quarantined": 0}
    for r in range(rounds):
        for name, data in base.items():
            mutated = bytearray(data)
            for _ in range(r):
                if mutated:
                    mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            t0 = time.perf_counter()
            result = process(bytes(mutated), name)
            elapsed = time.perf_counter() - t0
            tried += 1
            outcomes["parsed" if result == "parsed" else "quarantined"] += 1
            if elapsed > slowest[1]:
                slowest = (f"{name} (round {r})", elapsed)
    return {
        "inputs_tried": tried,
        "crashes": 0,
        **outcomes,
        "slowest": {"input": slowest[0], "seconds": round(slowest[1], 4)},
    }
