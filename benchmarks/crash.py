"""Mid-batch crash benchmark (docs/benchmarks.md, section "Crash safety"): SIGKILL the importer and the
inbox processor N times, each time after the run committed part of its work and before it finished
(the watcher in resonanz/inbox/tests/midbatch.py), then finish the work and count.

    .venv/bin/python benchmarks/crash.py                 # 100 kills, 10,000 rows (~10 min on 2 cores)
    .venv/bin/python benchmarks/crash.py --kills 20 --rows 2000

Prints one JSON object: kills (by kind), processes started, lost, duplicated, counter mismatch, seconds.
A fresh SQLite installation in a temporary directory; nothing outside it is touched.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from resonanz.inbox.tests.midbatch import crash_repeatedly  # noqa: E402 (after the path is set)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rz-crash-") as scratch:
        report = crash_repeatedly(
            Path(scratch),
            kills=options.kills,
            rows=options.rows,
            batch_size=options.batch_size,
            seed=options.seed,
        )
    counts = report.counts
    print(
        json.dumps(
            {
                "kills": report.kills,
                "kills_by_kind": report.kinds,
                "processes_started": report.runs,
                "rows": options.rows,
                "lost": options.rows - counts["distinct"],
                "duplicated": counts["dupes"] + counts["messages"] - counts["distinct"],
                "counter_mismatch": (counts["counted"] or 0) - counts["messages"],
                "pending": counts["pending"],
                "seconds": round(report.seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
