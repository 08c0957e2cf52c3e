"""The content of a lake as one hash per table and mart, for comparing two builds of the same
inputs on the same clock (``$PAPERDIGEST_NOW``; a refactor's before and after):
``python -m bench.fingerprint LAKE``.

What differs between any two runs of the same inputs is left out: the volatile columns of each
contract, the run id and finish time of ``runs``, and the build stamps and durations of marts.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import polars as pl

from warehouse.contracts import ALL
from warehouse.lake import Lake

# run ids end in random hex; a run's finish time and duration follow the machine's speed
_RUN_SPECIFIC = ("run_id", "finished_at", "built_at", "duration_s")


def _rows_hash(df: pl.DataFrame) -> str:
    df = df.select(sorted(c for c in df.columns if c not in _RUN_SPECIFIC))
    return hashlib.sha256(df.hash_rows(seed=0).sort().to_numpy().tobytes()).hexdigest()


def fingerprint(root: Path) -> dict[str, str]:
    """``table`` or ``mart:<name>`` -> sha256 of its rows, independent of row and file order."""
    lake = Lake.at(root)
    out = {}
    for contract in ALL:
        if contract.name == "runs":
            out["runs"] = _rows_hash(lake.scan("runs").collect())
        else:
            out[contract.name] = lake.content_hash(contract.name)
    for mart in sorted(p for p in (root / "marts").iterdir() if p.is_dir() and p.name[0] != "_"):
        out[f"mart:{mart.name}"] = _rows_hash(pl.read_parquet(str(mart / "**/*.parquet")))
    return out


if __name__ == "__main__":
    for name, digest in fingerprint(Path(sys.argv[1])).items():
        print(f"{name:24s} {digest}")
