"""Verifiable moderation log benchmark: append cost, checkpoint/proof requests and a full verification
for a brand log of ``--entries`` entries (default 100,000).

Entries are written one by one through the product's only writer, ``append_entry`` (hash chain, stored
Merkle nodes and a signed checkpoint per entry): all but the last 1,000 with ``--batch`` appends per
transaction (so building 100,000 entries is not 100,000 fsyncs), the last 1,000 each in its own
transaction, as a request writes them; those are the append figures. Then the public URLs are
requested through Django's test client (the full view stack, no network) and ``verify_log`` recomputes
the whole tree from the entries, as ``resonanz verify-modlog`` does.

    .venv/bin/python benchmarks/modlog.py --entries 100000 --dir /tmp/rz-modlog      # SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_modlog .venv/bin/python benchmarks/modlog.py

The data dir is emptied first (SQLite); with DATABASE_URL the brand's log is deleted first.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/rz-modlog"))
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000, help="appends per transaction while building")
    args = parser.parse_args(argv)

    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True, exist_ok=True)
    os.environ["RESONANZ_DATA_DIR"] = str(args.dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from resonanz.accounts.models import Brand
    from resonanz.moderation.logverify import verify_log
    from resonanz.moderation.models import LogCheckpoint, LogTreeNode, ModLogEntry
    from resonanz.moderation.services.log import append_entry

    call_command("migrate", interactive=False, verbosity=0)
    brand, _ = Brand.objects.get_or_create(slug="bench-modlog", defaults={"name": "Bench"})
    for model in (LogCheckpoint, LogTreeNode, ModLogEntry):
        model.objects.filter(brand=brand).delete()  # a queryset delete: the benchmark starts empty
    from resonanz.moderation.models import ModerationSettings

    ModerationSettings.objects.filter(brand=brand).update(log_head_seq=0, log_head_hash="")
    print(
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {connection.vendor}"
    )

    def append(n: int) -> None:
        append_entry(brand, kind=ModLogEntry.Kind.FREEZE, payload={"on": n % 2 == 0, "reason": f"r{n}"})

    appends: list[float] = []
    start, build = time.perf_counter(), max(args.entries - 1000, 0)
    for offset in range(0, build, args.batch):
        with transaction.atomic():
            for n in range(offset, min(offset + args.batch, build)):
                append(n)
        if (offset + args.batch) % 10_000 == 0:
            print(f"  {offset + args.batch} entries, {time.perf_counter() - start:.0f} s")
    built = time.perf_counter() - start
    print(
        f"built {build} entries in {built:.0f} s ({built / max(build, 1) * 1000:.2f} ms per append in batches)"
    )
    for n in range(build, args.entries):
        t0 = time.perf_counter()
        with transaction.atomic():
            append(n)
        appends.append(time.perf_counter() - t0)
    last = percentiles(appends)
    print(
        f"append_entry, own transaction, last {len(appends)} entries: p50 {last[0]:.2f} ms, p95 {last[1]:.2f} ms"
    )

    client, size, prefix = Client(HTTP_HOST="localhost"), args.entries, f"/b/{brand.slug}/moderation/log"
    rng = random.Random(1)

    def get(path: str, **params: object) -> None:
        response = client.get(path, params)
        assert response.status_code == 200, (path, response.status_code, response.content[:200])

    requests: list[tuple[str, Callable[[], None]]] = [
        ("checkpoint (signed note)", lambda: get(f"{prefix}/checkpoint")),
        ("inclusion proof, random entry", lambda: get(f"{prefix}/proof/inclusion/{rng.randint(1, size)}")),
        (
            "consistency proof, random sizes",
            lambda: get(f"{prefix}/proof/consistency", first=rng.randint(1, size - 1), second=size),
        ),
        ("entry JSON", lambda: get(f"{prefix}/entries/{rng.randint(1, size)}.json")),
        ("Atom feed (50 entries + checkpoint)", lambda: get(f"{prefix}/feed.atom")),
    ]
    for name, fn in requests:
        fn()  # warm-up
        p50, p95 = timed(fn, args.repeat)
        print(f"{name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")

    t0 = time.perf_counter()
    report = verify_log(brand)
    print(
        f"verify_log (recompute {size} leaves, chain, state audit): {time.perf_counter() - t0:.1f} s, ok={report.ok}"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
