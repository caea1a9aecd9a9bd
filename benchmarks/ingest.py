"""Ingestion and inbox benchmark (docs/benchmarks.md, section "Ingestion and inbox").

End to end: a CSV export of N posts built from the real texts in ../shared/data/*/{train,dev}.tsv is
parsed, deduplicated, staged, classified, threaded and routed by 1 or 2 worker processes
(``resonanz process-inbox``); then the inbox list and a conversation page are timed (p50/p95) over M
conversations inserted directly.

    python benchmarks/ingest.py --db sqlite --posts 100000 --workers 1 --conversations 1000000
    python benchmarks/ingest.py --db postgres --posts 100000 --workers 2 --conversations 0

The texts are read at run time and written only to a temporary directory; none are shipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
PG_URL = "postgres://postgres@127.0.0.1:5432/"


def real_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*/*.tsv")):
        if path.stem not in ("train", "dev"):
            continue
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                text = (row.get("text") or "").strip()
                if 10 <= len(text) <= 1000:
                    texts.append(text)
    if not texts:
        sys.exit(f"no texts found under {DATA}")
    return texts


def write_export(path: Path, posts: int, seed: int = 7) -> None:
    """Posts made from real texts: ~1/3 start a thread, the rest answer one; unique ids."""
    rng = random.Random(seed)
    texts = real_texts()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author", "created_at", "thread"])
        threads = max(1, posts // 3)
        for n in range(posts):
            text = rng.choice(texts)
            if rng.random() < 0.3:  # vary the text so the classifier sees more than the corpus
                text = f"{text} {rng.choice(texts)[:80]}"
            writer.writerow(
                [
                    f"p{n}",
                    text,
                    f"user{rng.randrange(posts // 5 + 1)}",
                    f"2026-11-{1 + n * 24 // posts:02d}T{n % 24:02d}:00:00Z",
                    f"t{rng.randrange(threads)}",
                ]
            )


def environment(db: str, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "RESONANZ_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
        "RESONANZ_TASK_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "testserver,localhost",
    }
    env.pop("DATABASE_URL", None)
    if db == "postgres":
        env["DATABASE_URL"] = PG_URL + "rz_bench"
    return env


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS rz_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE rz_bench")


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "resonanz", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"resonanz {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def bench_ingest(env: dict[str, str], export: Path, posts: int, workers: int) -> dict[str, float]:
    from resonanz.accounts.models import Brand
    from resonanz.inbox.models import Conversation, Message
    from resonanz.inbox.staging import stage_posts
    from resonanz.sources.imports.detect import parse_file
    from resonanz.sources.models import Channel

    brand, _ = Brand.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    channel = Channel.objects.create(brand=brand, kind="import", name=f"bench-{time.time()}")
    run(env, "process-inbox")  # warm the page cache and any earlier leftovers
    start = time.perf_counter()
    parsed = parse_file(export)
    parsed_at = time.perf_counter()
    staged = stage_posts(channel, parsed.posts, enqueue=False)
    staged_at = time.perf_counter()
    command = [sys.executable, "-m", "resonanz", "process-inbox", "--batch-size", "500"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    for proc in procs:
        proc.communicate()
    end = time.perf_counter()
    again = stage_posts(channel, parsed.posts, enqueue=False)  # a re-import: all duplicates
    dedupe_s = time.perf_counter() - end
    messages = Message.objects.filter(channel=channel).count()
    good = len(parsed.posts)
    assert messages == good == staged.new and again.duplicates == good, (messages, staged, again)
    return {
        "posts": posts,
        "rejected_rows": len(parsed.rejected),
        "workers": workers,
        "parse_s": parsed_at - start,
        "stage_s": staged_at - parsed_at,
        "process_s": end - staged_at,
        "total_s": end - start,
        "posts_per_s": posts / (end - start),
        "process_posts_per_s": posts / (end - staged_at),
        "reimport_posts_per_s": posts / dedupe_s,
        "conversations": Conversation.objects.filter(channel=channel).count(),
    }


def fill_conversations(count: int) -> tuple[object, object]:
    """M conversations with one message each, inserted in bulk (the pipeline is measured above)."""
    from datetime import UTC, datetime, timedelta

    from django.db import connection, transaction

    from resonanz.accounts.models import Brand, Membership, User
    from resonanz.inbox.models import Conversation, Message
    from resonanz.sources.models import Channel

    brand, _ = Brand.objects.get_or_create(slug="inbox-bench", defaults={"name": "Inbox Bench"})
    agent, _ = User.objects.get_or_create(username="bench_agent")
    Membership.objects.get_or_create(brand=brand, user=agent, defaults={"role": "agent"})
    channel = Channel.objects.create(brand=brand, kind="import", name=f"fill-{time.time()}")
    texts = real_texts()
    rng = random.Random(3)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    existing = Conversation.objects.filter(brand=brand).count()
    chunk = 20_000
    for start in range(existing, count, chunk):
        size = min(chunk, count - start)
        with transaction.atomic():
            convs = []
            for i in range(start, start + size):
                when = base + timedelta(seconds=i * 25)
                status = rng.choices(["new", "open", "waiting", "answered", "closed"], [3, 2, 1, 4, 10])[0]
                sentiment = rng.choice(["negative", "neutral", "positive"])
                convs.append(
                    Conversation(
                        brand=brand,
                        channel=channel,
                        thread_key=f"k{i}",
                        subject=f"Betreff {i}",
                        status=status,
                        priority=rng.choice([1, 2, 3]),
                        sentiment=sentiment,
                        post_type=rng.choice(["question", "complaint", "other", "praise"]),
                        is_criticism=sentiment == "negative",
                        labels={"sentiment": sentiment},
                        customer_handle=f"kunde{i % 5000}",
                        excerpt=rng.choice(texts)[:200],
                        message_count=1,
                        first_customer_at=when,
                        due_at=when + timedelta(hours=4),
                        last_activity_at=when,
                        created_at=when,
                    )
                )
            Conversation.objects.bulk_create(convs, batch_size=2000)
            Message.objects.bulk_create(
                [
                    Message(
                        conversation=c,
                        channel=channel,
                        direction="in",
                        author_handle=c.customer_handle,
                        text=c.excerpt,
                        external_id=f"m{c.thread_key}",
                        labels={"sentiment": c.sentiment, "type": c.post_type},
                        created_at=c.created_at,
                    )
                    for c in convs
                ],
                batch_size=2000,
            )
        print(f"  filled {start + size}/{count}", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE inbox_conversation; ANALYZE inbox_message")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return brand, agent


def timed(client: object, url: str, runs: int) -> dict[str, float]:
    samples = []
    for n in range(runs + 5):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if n >= 5:  # warm-up
            samples.append(elapsed)
    samples.sort()
    return {"p50_ms": statistics.median(samples), "p95_ms": samples[int(len(samples) * 0.95) - 1]}


def bench_inbox(count: int, runs: int) -> dict[str, object]:
    from django.test import Client

    from resonanz.inbox.models import Conversation

    brand, agent = fill_conversations(count)
    client = Client()
    client.force_login(agent)
    base = f"/b/{brand.slug}/inbox/"  # type: ignore[attr-defined]
    ids = list(
        Conversation.objects.filter(brand=brand).order_by("?").values_list("pk", flat=True)[: runs + 5]
    )
    results: dict[str, object] = {"conversations": Conversation.objects.filter(brand=brand).count()}
    for name, url in [
        ("list newest", base),
        ("list by priority", base + "?sort=priority"),
        ("list negative + criticism", base + "?sentiment=negative&flag=criticism"),
        ("list all, page 50", base + "?status=all&page=50"),
        ("search", base + "?q=bahn&status=all"),
    ]:
        results[name] = timed(client, url, runs)
    samples = []
    for n, pk in enumerate(ids):
        start = time.perf_counter()
        assert client.get(f"{base}c/{pk}/").status_code == 200
        if n >= 5:
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    results["conversation page"] = {
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95) - 1],
    }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--conversations", type=int, default=1_000_000, help="0 skips the inbox timing")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rz-bench-") as tmp:
        data_dir = Path(tmp)
        env = environment(args.db, data_dir)
        if args.db == "postgres":
            reset_postgres()
        run(env, "migrate", "-v", "0")
        setup_django(env)
        report: dict[str, object] = {"db": args.db}
        if args.posts:
            export = data_dir / "export.csv"
            write_export(export, args.posts)
            report["ingest"] = bench_ingest(env, export, args.posts, args.workers)
            print(json.dumps(report, indent=1), flush=True)
        if args.conversations:
            report["inbox"] = bench_inbox(args.conversations, args.runs)
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
