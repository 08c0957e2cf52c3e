"""`make bench`: long-running checks and measurements; writes bench/results.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import merges, perf, reliability, terms, topics


def main(argv: list[str]) -> int:
    # `python -m bench` = perf at full scale (1 and 5 years); `python -m bench perf 30 150`
    # at 30 and 150 days; `python -m bench reliability` the crash and hostile-input campaign;
    # `python -m bench terms [--fit]` key phrases against HF's ai_keywords (bench/terms.json);
    # `python -m bench merges` the near-title merge on real titles (bench/merges.json);
    # `python -m bench topics` the taxonomy against hand labels and arXiv categories
    which = {a for a in argv if not a.isdigit()} or {"perf"}
    days = [int(a) for a in argv if a.isdigit()] or [365, 1825]
    results_path = Path(__file__).with_name("results.json")
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    if "reliability" in which:
        print("crash campaign: every kill point plus 10 random kills ...", flush=True)
        crash = reliability.crash()
        print(
            f"  tried {crash['kill_points_tried']}, survived {crash['survived']} in {crash['seconds']} s"
        )
        for failure in crash["failures"]:
            print(f"  FAILED {failure}")
        reads = reliability.readers()
        print(
            f"readers during {reads['runs']} publishes: {reads['reads']} reads, "
            f"{reads['failed_reads']} failed, {reads['mixed_reads']} mixed"
        )
        hostile = reliability.hostile()
        print(
            f"hostile inputs: {hostile['inputs_tried']} tried, {hostile['parsed']} parsed, "
            f"{hostile['quarantined']} quarantined, 0 crashes; slowest {hostile['slowest']}"
        )
        results["reliability"] = {"crash": crash, "readers": reads, "hostile": hostile}
    if "topics" in which:
        figures = topics.run()
        print(json.dumps(figures, indent=2))
        print(f"wrote {topics.RESULTS}")
        return 0
    if "merges" in which:
        figures = merges.run()
        print(json.dumps(figures, indent=2, default=str))
        print(f"wrote {merges.RESULTS}")
        return 0
    if "terms" in which:
        figures = terms.run(refit="--fit" in which)
        print(json.dumps(figures, indent=2))
        print(f"wrote {terms.RESULTS}")
        return 0
    if "perf" in which:
        figures = perf.run(days[0], days[1])
        print(json.dumps(figures, indent=2))
        results.update(figures)
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
