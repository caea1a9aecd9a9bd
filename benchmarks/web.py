"""Web benchmark: forum index, thread page and search under load, served by gunicorn over loopback.

Generates a brand with N posts (default 100,000) in a scratch SQLite file or PostgreSQL database, starts
`resonanz run` against it, and measures requests/s and p50/p95 latency with a bounded number of requests
from concurrent client threads. Results are printed as a Markdown table for docs/benchmarks.md.

    .venv/bin/python benchmarks/web.py                      # SQLite, 100k posts
    .venv/bin/python benchmarks/web.py --db postgres        # PostgreSQL (127.0.0.1:5432)
    .venv/bin/python benchmarks/web.py --posts 1000000 --data-dir /tmp/rz-web-1m
    .venv/bin/python benchmarks/web.py --concurrency 1,4,8

With one client the figures are the latency of a single request; with 8 clients on this 2-core machine
the load generator shares the cores with the server, so latency there includes queueing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("RESONANZ_TRAIN_DATA", ROOT.parent / "shared" / "data"))
WORDS = [
    "Zug",
    "Verspätung",
    "Ticket",
    "Bahnhof",
    "Klimaanlage",
    "Fahrplan",
    "Service",
    "Personal",
    "freundlich",
    "pünktlich",
    "kaputt",
    "Toilette",
    "WLAN",
    "Fahrrad",
    "Anschluss",
    "Baustelle",
    "Ersatzverkehr",
    "Preis",
    "Abo",
    "Deutschlandticket",
    "sauber",
    "voll",
    "leer",
    "Danke",
    "Frage",
    "heute",
    "morgen",
    "wieder",
    "immer",
    "nie",
    "super",
    "schlecht",
    "gut",
    "warum",
    "wann",
    "wie",
    "Dresden",
    "Pirna",
    "Meißen",
    "Schandau",
]


def real_texts(limit: int = 60_000) -> list[str]:
    """Real German posts from the shared training data (read, never shipped) for realistic search terms;
    without that directory the posts are random sequences of the word list above."""
    texts: list[str] = []
    for path in sorted(DATA.glob("*/*.tsv")):
        with path.open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            if "text" not in header:
                continue
            column = header.index("text")
            texts.extend(line.rstrip("\n").split("\t")[column] for line in handle)
    random.Random(3).shuffle(texts)
    return [t for t in texts if 20 <= len(t) <= 600][:limit]


def generate(n_posts: int, env: dict[str, str]) -> None:
    texts = real_texts()
    texts_file = Path(env["RESONANZ_DATA_DIR"]) / "bench-texts.json"
    texts_file.parent.mkdir(parents=True, exist_ok=True)
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    print(
        f"  post texts: {len(texts):,} real posts from {DATA}" if texts else "  post texts: word list",
        flush=True,
    )
    code = f"""
import html, random, django
django.setup()
from django.db import transaction
from django.utils import timezone
from datetime import timedelta
from resonanz.accounts.models import Brand, User
from resonanz.community.models import Category, Thread, Post
from resonanz.core.markdown import render_markdown
rng = random.Random(7)
words = {WORDS!r}
import json, pathlib
texts = json.loads(pathlib.Path({str(texts_file)!r}).read_text(encoding="utf-8"))
brand, _ = Brand.objects.get_or_create(slug="bench", defaults={{"name": "Bench Bahn"}})
if Post.objects.filter(brand=brand).count() >= {n_posts}:
    raise SystemExit(0)
users = [User(username=f"bench{{i}}", email=f"bench{{i}}@example.org") for i in range(500)]
User.objects.bulk_create(users, ignore_conflicts=True)
users = list(User.objects.filter(username__startswith="bench"))
cats = [Category.objects.get_or_create(brand=brand, slug=f"c{{i}}", defaults={{"name": f"Kategorie {{i}}"}})[0] for i in range(6)]
now = timezone.now()
per_thread = 20
n_threads = {n_posts} // per_thread
for start in range(0, n_threads, 1000):
    with transaction.atomic():
        threads = Thread.objects.bulk_create([
            Thread(brand=brand, category=cats[i % 6], title=" ".join(rng.choices(words, k=6)), author=rng.choice(users),
                   last_post_at=now - timedelta(minutes=i), reply_count=per_thread - 1)
            for i in range(start, min(start + 1000, n_threads))])
        posts = []
        for t in threads:
            for j in range(per_thread):
                body = rng.choice(texts) if texts else " ".join(rng.choices(words, k=rng.randint(8, 40)))
                posts.append(Post(brand=brand, thread=t, author=rng.choice(users), body=body,
                                  body_html="<p>" + html.escape(body) + "</p>", is_opening=j == 0))
        Post.objects.bulk_create(posts, batch_size=5000)
    print(f"  generated {{min(start + 1000, n_threads) * per_thread}} posts", flush=True)
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (loopback URL we built)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not come up at {url}")


def load(urls: list[str], *, requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = requests // concurrency

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        for _ in range(per_client):
            url = rng.choice(urls)
            started = time.perf_counter()
            try:
                urllib.request.urlopen(url, timeout=30).read()  # noqa: S310
                ok = True
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=600, help="requests per page type")
    parser.add_argument(
        "--concurrency",
        default="1,8",
        help="comma-separated client counts: 1 shows the latency of one request, 8 the server under load",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "resonanz-bench-web"))
    args = parser.parse_args()

    env = {
        **os.environ,
        "RESONANZ_DATA_DIR": args.data_dir,
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
    }
    env.pop("REDIS_URL", None)
    if args.db == "postgres":
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or _scratch_postgres("rz_bench_web")
    print(f"preparing {args.posts} posts on {args.db} …", flush=True)
    subprocess.run([sys.executable, "-m", "resonanz", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    generate(args.posts, env)
    if args.db == "postgres":
        _analyze_postgres(env["DATABASE_URL"])

    server = subprocess.Popen(
        [sys.executable, "-m", "resonanz", "run", "--port", str(args.port), "--no-worker"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(f"{base}/healthz")
        thread_ids = _sample_thread_ids(env)
        pages = {
            "forum index": [f"{base}/b/bench/"],
            "thread page": [f"{base}/b/bench/forum/t/{tid}/" for tid in thread_ids],
            "search": [
                f"{base}/b/bench/search/?q={urllib.parse.quote(w)}"
                for w in ("Verspätung", "Klimaanlage kaputt", "Ticket", "WLAN", "Zug", "Danke")
            ],
        }
        levels = [int(c) for c in args.concurrency.split(",")]
        for urls in pages.values():  # warm up
            load(urls, requests=max(levels) * 5, concurrency=max(levels))
        print(f"\nload average before: {os.getloadavg()[0]:.2f}")
        print(
            "\n| page | db | posts | clients | req/s | p50 ms | p95 ms | errors |\n|---|---|---|---|---|---|---|---|"
        )
        for name, urls in pages.items():
            for clients in levels:
                r = load(urls, requests=args.requests, concurrency=clients)
                print(
                    f"| {name} | {args.db} | {args.posts:,} | {clients} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['errors']:.0f} |"
                )
    finally:
        server.terminate()
        server.wait(timeout=20)
    return 0


def _scratch_postgres(name: str) -> str:
    """A database of its own on the local server, so the benchmark never writes into another one."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _analyze_postgres(url: str) -> None:
    """Planner statistics after the bulk generation, as autovacuum keeps them in production. The benchmark
    machine runs PostgreSQL with autovacuum off; without statistics the planner guesses a few thousand rows
    per brand and skips the GIN and thread indexes (12 s per search and 126 ms per thread page at 1M posts)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute("ANALYZE")


def _sample_thread_ids(env: dict[str, str]) -> list[int]:
    code = (
        "import django;django.setup();from resonanz.community.models import Thread;"
        "print(','.join(str(i) for i in Thread.objects.filter(brand__slug='bench').order_by('?').values_list('id', flat=True)[:200]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return [int(x) for x in out.stdout.strip().split(",") if x]


if __name__ == "__main__":
    sys.exit(main())
