"""Rate-limit counters under concurrency: hits lost (must be 0) and the cost of one hit.

Several processes (each a web worker's stand-in with its own connection) count hits on one key through
``resonanz.core.counters.hit``, the code every limiter uses; the final count must equal the hits made.

Usage:

    .venv/bin/python benchmarks/ratelimit.py [--processes 4] [--hits 500] [--db sqlite|postgres|redis]

``sqlite`` uses a fresh SQLite file with the production options (WAL, busy timeout, IMMEDIATE);
``postgres`` needs DATABASE_URL; ``redis`` needs REDIS_URL (the counters then live in Redis).
Only the counter table is created (no full migration), so a run takes seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _setup(db: str, data_dir: str) -> None:
    os.environ["RESONANZ_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    if db != "redis":
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def _worker(args: tuple[str, str, int, str]) -> list[float]:
    db, data_dir, hits, key = args
    _setup(db, data_dir)
    from django.db import connection

    from resonanz.core import counters

    timings = []
    for _ in range(hits):
        start = time.perf_counter()
        counters.hit(key, ttl=600)
        timings.append(time.perf_counter() - start)
    connection.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--hits", type=int, default=500, help="per process")
    parser.add_argument("--db", choices=["sqlite", "postgres", "redis"], default="sqlite")
    options = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="rz-ratelimit-")
    _setup(options.db, data_dir)
    from django.db import connection

    from resonanz.core import counters
    from resonanz.core.models import LimitCounter

    if options.db != "redis":
        with connection.schema_editor() as editor:
            if LimitCounter._meta.db_table not in connection.introspection.table_names():
                editor.create_model(LimitCounter)
    key = f"bench:{time.time_ns()}"
    connection.close()
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with context.Pool(options.processes) as pool:
        results = pool.map(_worker, [(options.db, data_dir, options.hits, key)] * options.processes)
    elapsed = time.perf_counter() - started
    made = options.processes * options.hits
    counted = counters.peek(key)
    timings = sorted(t for batch in results for t in batch)
    p95 = timings[int(len(timings) * 0.95)]
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"store: {options.db}; {options.processes} processes x {options.hits} hits on one key")
    print(f"hits made {made}, counted {counted}, lost {made - counted}")
    print(
        f"per hit: p50 {statistics.median(timings) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms; "
        f"{made / elapsed:.0f} hits/s overall (including process start-up)"
    )
    return 0 if counted == made else 1


if __name__ == "__main__":
    raise SystemExit(main())
