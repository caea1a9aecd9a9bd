"""Ingestion and inbox benchmark (docs/benchmarks.md, section "Ingestion and inbox").

One command runs every scenario, each in a fresh database:

- ingestion end to end: a CSV export of N posts made from the real texts in ../shared/data (read at
  run time, written only to a temporary directory, never shipped) is parsed, deduplicated and staged,
  then classified, threaded, routed and stored by W ``resonanz process-inbox`` worker processes;
  on SQLite with 1 worker and on PostgreSQL with 1 and 2 workers. A re-import of the same file
  (all duplicates) is timed too, and the classifier alone on the same texts for reference.
- the inbox with M conversations: list pages (newest, by priority, filtered, searched, deep page) and
  conversation pages, p50/p95 over R requests through Django's test client (no HTTP server), on SQLite
  and PostgreSQL.

    .venv/bin/python benchmarks/ingest.py            # 100,000 posts, 1,000,000 conversations (~1 h)
    .venv/bin/python benchmarks/ingest.py --quick    # 10,000 posts, 50,000 conversations (~3 min)
    .venv/bin/python benchmarks/ingest.py --only ingest --db postgres --workers 2

PostgreSQL: 127.0.0.1:5432, trust authentication; scratch databases rz_bench_* are dropped and created.
Prints one JSON object per scenario and a Markdown table at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
PG_URL = "postgres://postgres@127.0.0.1:5432/"
TARGET_POSTS_PER_S = 10_000
TARGET_P95_MS = 50.0


# --- data -------------------------------------------------------------------------------------------
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
    """Posts made from real texts: about a third start a thread, the rest answer one; unique ids."""
    rng = random.Random(seed)
    texts = real_texts()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author", "created_at", "thread"])
        threads = max(1, posts // 3)
        start = datetime(2026, 11, 1, tzinfo=UTC)
        for n in range(posts):
            text = rng.choice(texts)
            if rng.random() < 0.3:  # vary the text so the classifier sees more than the corpus
                text = f"{text} {rng.choice(texts)[:80]}"
            moment = start + timedelta(seconds=n * 20)
            writer.writerow(
                [
                    f"p{n}",
                    text,
                    f"user{rng.randrange(posts // 5 + 1)}",
                    moment.isoformat(),
                    f"t{rng.randrange(threads)}",
                ]
            )


# --- environment ------------------------------------------------------------------------------------
def environment(db: str, data_dir: Path, name: str) -> dict[str, str]:
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
        env["DATABASE_URL"] = PG_URL + name
    return env


def reset_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def resonanz(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "resonanz", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0:
        sys.exit(f"resonanz {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


# --- scenario: ingestion ----------------------------------------------------------------------------
def scenario_ingest(export: Path, posts: int, workers: int) -> dict[str, Any]:
    """Runs inside the child process (Django set up for the scenario's database)."""
    from resonanz.accounts.models import Brand
    from resonanz.inbox.labels import classify_texts
    from resonanz.inbox.models import Conversation, Message
    from resonanz.inbox.staging import stage_posts
    from resonanz.sources.imports.detect import parse_file
    from resonanz.sources.models import Channel

    brand, _ = Brand.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    channel = Channel.objects.create(brand=brand, kind="import", name=f"bench-{time.time()}")
    start = time.perf_counter()
    parsed = parse_file(export)
    parsed_at = time.perf_counter()
    staged = stage_posts(channel, parsed.posts, enqueue=False)
    staged_at = time.perf_counter()
    command = [sys.executable, "-m", "resonanz", "process-inbox", "--batch-size", "500"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO) for _ in range(workers)]
    outputs = [proc.communicate()[0] for proc in procs]
    end = time.perf_counter()
    again = stage_posts(channel, parse_file(export).posts, enqueue=False)  # a re-import: all duplicates
    reimport_s = time.perf_counter() - end
    messages = Message.objects.filter(channel=channel).count()
    good = len(parsed.posts)
    assert messages == good == staged.new and again.duplicates == good, (messages, staged, again)
    texts = [post.text for post in parsed.posts[: min(good, 20_000)]]
    classify_texts(texts[:10])  # load the model outside the timing
    classified_at = time.perf_counter()
    for i in range(0, len(texts), 500):
        classify_texts(texts[i : i + 500])
    classify_s = time.perf_counter() - classified_at
    return {
        "posts": posts,
        "rejected_rows": len(parsed.rejected),
        "workers": workers,
        "per_worker": [line.strip() for line in outputs],
        "parse_s": round(parsed_at - start, 2),
        "stage_s": round(staged_at - parsed_at, 2),
        "process_s": round(end - staged_at, 2),
        "total_s": round(end - start, 2),
        "posts_per_s": round(posts / (end - start)),
        "reimport_posts_per_s": round(posts / reimport_s),
        "classify_only_posts_per_s": round(len(texts) / classify_s),
        "conversations": Conversation.objects.filter(channel=channel).count(),
    }


# --- scenario: the inbox with many conversations ------------------------------------------------------
def fill_conversations(count: int) -> tuple[Any, Any]:
    """``count`` conversations with one message each, written in bulk (the pipeline is timed above)."""
    from django.db import connection, transaction

    from resonanz.accounts.models import Brand, Membership, User
    from resonanz.inbox.bulk import insert_rows
    from resonanz.inbox.models import Conversation, Message
    from resonanz.sources.models import Channel

    brand, _ = Brand.objects.get_or_create(slug="inbox-bench", defaults={"name": "Inbox Bench"})
    agent, _ = User.objects.get_or_create(username="bench_agent")
    Membership.objects.get_or_create(brand=brand, user=agent, defaults={"role": "agent"})
    channels = [Channel.objects.create(brand=brand, kind="import", name=f"Kanal {n}") for n in range(4)]
    texts = real_texts()
    rng = random.Random(3)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    statuses = ["new", "open", "waiting", "answered", "closed"]
    chunk = 20_000
    for start in range(0, count, chunk):
        convs = []
        for i in range(start, min(count, start + chunk)):
            when = base + timedelta(seconds=i * 30)
            sentiment = rng.choice(["negative", "neutral", "positive"])
            convs.append(
                Conversation(
                    brand=brand, channel=rng.choice(channels), thread_key=f"k{i}", subject=f"Betreff {i}",
                    status=rng.choices(statuses, [3, 2, 1, 4, 40])[0], priority=rng.choice([1, 2, 3]),
                    assignee=agent if rng.random() < 0.2 else None, sentiment=sentiment,
                    post_type=rng.choice(["question", "complaint", "other", "praise"]),
                    is_criticism=sentiment == "negative" and rng.random() < 0.5,
                    needs_moderation=rng.random() < 0.01, labels={"sentiment": sentiment},
                    topics=rng.choice(["", "|Pünktlichkeit|", "|Preis|", "|Service|"]),
                    customer_handle=f"kunde{i % 5000}", excerpt=rng.choice(texts)[:200], message_count=1,
                    first_customer_at=when, due_at=when + timedelta(hours=4), last_activity_at=when,
                    created_at=when,
                )
            )  # fmt: skip
        with transaction.atomic():
            from resonanz.inbox.apply import MESSAGE_FIELDS, NEW_CONVERSATION_FIELDS

            insert_rows(Conversation, convs, NEW_CONVERSATION_FIELDS)
            messages = [
                Message(
                    conversation=c, channel_id=c.channel_id, direction="in", author_handle=c.customer_handle,
                    text=c.excerpt, external_id=f"m{c.thread_key}", labels={"sentiment": c.sentiment},
                    created_at=c.created_at,
                )
                for c in convs
            ]  # fmt: skip
            insert_rows(Message, messages, MESSAGE_FIELDS, returning=False)
        print(f"  filled {min(count, start + chunk)}/{count}", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    return brand, agent


def timed(client: Any, urls: list[str], runs: int) -> dict[str, float]:
    """Wall time per request, and this process's CPU time (Django and, on SQLite, the database): on a
    machine shared with other work the CPU figure is the one that does not depend on the neighbours."""
    samples, cpu = [], []
    for n in range(runs + 5):
        url = urls[n % len(urls)]
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, used = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if n >= 5:  # warm-up
            samples.append(elapsed)
            cpu.append(used)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def scenario_inbox(count: int, runs: int) -> dict[str, Any]:
    from django.test import Client

    from resonanz.inbox.models import Conversation

    started = time.perf_counter()
    brand, agent = fill_conversations(count)
    filled_s = time.perf_counter() - started
    client = Client()
    client.force_login(agent)
    base = f"/b/{brand.slug}/inbox/"
    rng = random.Random(5)
    top = Conversation.objects.filter(brand=brand).order_by("-pk").values_list("pk", flat=True)[:1].get()
    ids = [rng.randrange(1, top + 1) for _ in range(runs)]
    pages = {
        "list, newest first": [base],
        "list, by priority (overdue first)": [base + "?sort=priority"],
        "list, negative + criticism": [base + "?sentiment=negative&flag=criticism"],
        "list, assigned to me, complaints": [base + "?assignee=me&type=complaint&status=all"],
        "list, overdue only": [base + "?overdue=on"],
        "list, all, page 50": [base + "?status=all&page=50"],
        "search": [base + f"?q={word}&status=all" for word in ("bahn", "danke", "verspätung", "heute")],
        "conversation page": [f"{base}c/{pk}/" for pk in ids],
    }
    results: dict[str, Any] = {"conversations": count, "fill_s": round(filled_s)}
    for name, urls in pages.items():
        results[name] = timed(client, urls, runs)
    return results


# --- orchestration ----------------------------------------------------------------------------------
def child(args: argparse.Namespace) -> int:
    """One scenario in this process, against the database the environment names."""
    import django

    django.setup()
    if args.scenario == "ingest":
        result = scenario_ingest(Path(args.export), args.posts, args.workers)
    else:
        result = scenario_inbox(args.conversations, args.runs)
    print(json.dumps(result))
    return 0


def run_scenario(db: str, scenario: str, tmp: Path, **options: Any) -> dict[str, Any]:
    name = f"rz_bench_{scenario}"
    data_dir = tmp / f"{db}-{scenario}-{options.get('workers', '')}"
    data_dir.mkdir()
    env = environment(db, data_dir, name)
    if db == "postgres":
        reset_postgres(name)
    resonanz(env, "migrate", "-v", "0")
    if scenario == "inbox":  # pages render with the hashed static file names
        resonanz(env, "manage", "collectstatic", "--noinput", "-v", "0")
    command = [sys.executable, __file__, "--child", scenario]
    for key, value in options.items():
        command += [f"--{key}", str(value)]
    print(f"== {scenario} on {db} {options}", file=sys.stderr, flush=True)
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False, cwd=REPO)
    if db == "postgres":
        drop_postgres(name)
    if done.returncode != 0:
        sys.exit(f"scenario {scenario} on {db} failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["db"] = db
    print(json.dumps(result), flush=True)
    return result


def markdown(ingest: list[dict[str, Any]], inbox: list[dict[str, Any]]) -> str:
    lines = []
    if ingest:
        lines += [
            "| database | workers | posts | end to end posts/s | process s | re-import posts/s | classifier alone posts/s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in ingest:
            lines.append(
                f"| {r['db']} | {r['workers']} | {r['posts']:,} | **{r['posts_per_s']:,}** | {r['process_s']} "
                f"| {r['reimport_posts_per_s']:,} | {r['classify_only_posts_per_s']:,} |"
            )
    if inbox:
        names = [k for k in inbox[0] if isinstance(inbox[0][k], dict)]
        header = " | ".join(f"{r['db']} p50 / p95 ms (CPU p50)" for r in inbox)
        lines += ["", f"| page | {header} |", "| --- |" + " ---: |" * len(inbox)]
        for name in names:
            cells = [
                f"{r[name]['p50_ms']} / **{r[name]['p95_ms']}** ({r[name].get('cpu_p50_ms', '-')})"
                for r in inbox
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 posts and 50,000 conversations")
    parser.add_argument("--posts", type=int, default=None)
    parser.add_argument("--conversations", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None, help="requests per page (default 200, quick 50)")
    parser.add_argument("--only", choices=["ingest", "inbox"], default=None)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=None, help="default: both")
    parser.add_argument(
        "--workers", type=int, default=None, help="default: 1 on SQLite, 1 and 2 on PostgreSQL"
    )
    parser.add_argument("--child", choices=["ingest", "inbox"], dest="scenario", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        return child(args)
    posts = args.posts or (10_000 if args.quick else 100_000)
    conversations = args.conversations or (50_000 if args.quick else 1_000_000)
    runs = args.runs or (50 if args.quick else 200)
    databases = [args.db] if args.db else ["sqlite", "postgres"]
    print(
        json.dumps(
            {
                "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
                "python": platform.python_version(),
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
                "load_average": os.getloadavg(),
                "command": " ".join(sys.argv),
            }
        ),
        flush=True,
    )
    ingest: list[dict[str, Any]] = []
    inbox: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="rz-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.only in (None, "ingest"):
            export = tmp / "export.csv"
            write_export(export, posts)
            for db in databases:
                for workers in [args.workers] if args.workers else ([1] if db == "sqlite" else [1, 2]):
                    ingest.append(
                        run_scenario(db, "ingest", tmp, export=export, posts=posts, workers=workers)
                    )
        if args.only in (None, "inbox"):
            for db in databases:
                inbox.append(run_scenario(db, "inbox", tmp, conversations=conversations, runs=runs))
    print(
        json.dumps(
            {"finished": datetime.now(UTC).isoformat(timespec="seconds"), "load_average": os.getloadavg()}
        )
    )
    print(markdown(ingest, inbox))
    return 0


if __name__ == "__main__":
    sys.exit(main())
