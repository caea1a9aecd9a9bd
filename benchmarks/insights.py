"""Insights benchmark: every dashboard query over a large generated inbox, on SQLite and PostgreSQL.

Generates ``--posts`` inbox messages (default 10,000,000) for ten brands over two years — conversations
with customer posts, human answers, bot replies, reopenings, labels and topics, written with bulk
inserts straight into the inbox tables — then builds the rollups with the product's own incremental
consumer (``resonanz.insights.rollup.consume``, the code the periodic job runs) and times every dashboard
query (p50/p95 over ``--repeat`` runs after a warm-up) for the largest and a small brand, several
periods (7 days to two years) and with channel and topic filters. Goal (issue 6): < 200 ms per dashboard.

    .venv/bin/python benchmarks/insights.py --posts 100000 --db sqlite       # quick look
    nice .venv/bin/python benchmarks/insights.py --db both                     # 10M posts, both databases
    .venv/bin/python benchmarks/insights.py --db postgres --reuse              # measure again, no regeneration

SQLite goes to ``--dir`` (default ./var/bench-insights); PostgreSQL to the database of ``--pg-url``
(default postgres://postgres@127.0.0.1:5432/bench_insights, created if missing and emptied first).
Each database runs in its own child process, because Django's settings are per process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_insights"
END = datetime(2026, 12, 1, tzinfo=UTC)  # the generated history ends here ("now" of the benchmark)
BRAND_SHARES = np.array([0.5, 0.2, 0.1, 0.06, 0.05, 0.03, 0.025, 0.02, 0.01, 0.005])
CHANNELS = (("community", "Community", 0.5), ("mastodon", "Mastodon", 0.3), ("email", "E-Mail", 0.2))
HOURLY = np.array(
    [0.15, 0.1, 0.08, 0.08, 0.1, 0.25, 0.6, 1.2, 1.6, 1.4, 1.2, 1.1,
     1.2, 1.1, 1.0, 1.1, 1.3, 1.6, 1.7, 1.5, 1.3, 1.0, 0.6, 0.3]
)  # fmt: skip
WEEKLY = np.array([1.05, 1.0, 1.0, 1.0, 1.05, 0.75, 0.65])
TOPICS = (
    "Zugfahrt", "Sonstige_Unregelmässigkeiten", "Atmosphäre", "Ticketkauf", "Service_und_Kundenbetreuung",
    "Informationen", "Auslastung_und_Platzangebot", "DB_App_und_Website", "Komfort_und_Ausstattung",
    "Sicherheit", "Connectivity", "Barrierefreiheit", "Gastronomisches_Angebot", "Image", "Reisen_mit_Kindern",
    "Design", "Toiletten", "Gepäck", "QR-Code", "Preise",
)  # fmt: skip
MESSAGES_PER_CONVERSATION = 2.62  # expected value of the generator below (rounds x answers + bot replies)
CHUNK = 50_000


# --- generation (numpy, no Django) ---------------------------------------------------------------------
def real_texts(limit: int = 5000) -> list[str]:
    """Short real German posts (GermEval 2017 and SB10k) as message texts; a fallback if data is missing."""
    texts: list[str] = []
    for path in (DATA / "germeval2017" / "dev.tsv", DATA / "sb10k" / "train.tsv"):
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines()[1:]:
                cols = line.split("\t")
                text = next((c for c in cols if len(c) > 30 and " " in c), "")
                if text:
                    texts.append(text[:280])
    return texts[:limit] or ["Der Zug ist schon wieder zu spät, was ist da los?"]


def _labels(rng: np.random.Generator, n: int, improved: np.ndarray | None) -> np.ndarray:
    """Codes into the label pool: sentiment (0 neg, 1 neu, 2 pos), abuse, type and up to two topics."""
    probs = np.array([0.3, 0.45, 0.25])
    sentiment = rng.choice(3, size=n, p=probs)
    if improved is not None:  # after an answer the next post is more often friendlier
        lift = improved & (rng.random(n) < 0.35)
        sentiment = np.where(lift, np.minimum(sentiment + 1, 2), sentiment)
    abuse = (sentiment == 0) & (rng.random(n) < 0.12)
    weights = 1 / np.arange(1, len(TOPICS) + 1) ** 1.1
    first = rng.choice(len(TOPICS), size=n, p=weights / weights.sum())
    second = rng.choice(len(TOPICS), size=n, p=weights / weights.sum())
    how_many = rng.choice(3, size=n, p=[0.15, 0.7, 0.15])
    first = np.where(how_many == 0, len(TOPICS), first)
    second = np.where((how_many == 2) & (second != first), second, len(TOPICS))
    kind = rng.choice(5, size=n, p=[0.3, 0.25, 0.2, 0.05, 0.2])
    return (((sentiment * 2 + abuse) * 5 + kind) * 21 + first) * 21 + second


def label_json(code: int) -> str:
    code, second = divmod(code, 21)
    code, first = divmod(code, 21)
    code, kind = divmod(code, 5)
    sentiment, abuse = divmod(code, 2)
    name = ("negative", "neutral", "positive")[sentiment]
    kinds = ("question", "complaint", "other", "suggestion", "praise")
    kind_name = "complaint" if sentiment == 0 and kinds[kind] == "praise" else kinds[kind]
    aspects = [TOPICS[t] for t in (first, second) if t < len(TOPICS)]
    labels = {
        "language": "de",
        "sentiment": name,
        "abuse": bool(abuse),
        "criticism": sentiment == 0 and not abuse,
        "type": kind_name,
        "topics": [],
        "aspects": aspects,
        "model_version": "bench",
    }
    return json.dumps(labels, ensure_ascii=False)


def starts(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    """Unix seconds with the daily and weekly rhythm of real customer traffic (UTC+1 local rhythm)."""
    first = int((END - timedelta(days=days)).timestamp())
    weekday = np.array([(END.date() - timedelta(days=days - d)).weekday() for d in range(days)])
    day = rng.choice(days, size=n, p=WEEKLY[weekday] / WEEKLY[weekday].sum())
    hour = rng.choice(24, size=n, p=HOURLY / HOURLY.sum())
    return first + day * 86400 + ((hour - 1) % 24) * 3600 + rng.integers(0, 3600, size=n)


def generate(posts: int, days: int, seed: int) -> dict[str, np.ndarray]:
    """Conversations and their messages as arrays, messages sorted by time (ids in ingestion order)."""
    rng = np.random.default_rng(seed)
    n = max(len(BRAND_SHARES), int(posts / MESSAGES_PER_CONVERSATION))
    brand = rng.choice(len(BRAND_SHARES), size=n, p=BRAND_SHARES / BRAND_SHARES.sum())
    channel = brand * len(CHANNELS) + rng.choice(len(CHANNELS), size=n, p=[c[2] for c in CHANNELS])
    start = np.sort(starts(rng, n, days))
    rounds = rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1])
    # Authors: 60 % one-time writers, 40 % regulars of the brand with power-law activity.
    regular = rng.random(n) < 0.4
    pool = np.maximum(1, (np.bincount(brand, minlength=len(BRAND_SHARES)) * 0.05).astype(np.int64))
    author = np.where(
        regular, (rng.pareto(1.2, size=n) * 50).astype(np.int64) % pool[brand], n + np.arange(n)
    )
    conv_ids = np.arange(1, n + 1)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("conv", "dir", "auto", "at", "label")}
    reopen_conv, reopen_at = [], []
    at = start.astype(np.int64)
    alive = np.ones(n, dtype=bool)
    answered_before = np.zeros(n, dtype=bool)
    for r in range(3):
        alive &= rounds > r
        idx = np.flatnonzero(alive)
        cols["conv"].append(conv_ids[idx])
        cols["dir"].append(np.zeros(len(idx), dtype=np.int8))
        cols["auto"].append(np.zeros(len(idx), dtype=np.int8))
        cols["at"].append(at[idx])
        cols["label"].append(_labels(rng, len(idx), answered_before[idx] if r else None))
        if r:
            reopened = rng.random(len(idx)) < 0.1
            reopen_conv.append(conv_ids[idx][reopened])
            reopen_at.append(at[idx][reopened])
        if r == 0:  # a bot confirms receipt of 10 % of new conversations within seconds
            bot = idx[rng.random(len(idx)) < 0.1]
            cols["conv"].append(conv_ids[bot])
            cols["dir"].append(np.ones(len(bot), dtype=np.int8))
            cols["auto"].append(np.ones(len(bot), dtype=np.int8))
            cols["at"].append(at[bot] + rng.integers(2, 30, size=len(bot)))
            cols["label"].append(np.full(len(bot), -1))
        answer = rng.random(len(idx)) < (0.8 if r == 0 else 0.75)
        delay = np.minimum(rng.lognormal(np.log(45 * 60), 1.3, size=len(idx)), 5 * 86400).astype(np.int64)
        done = idx[answer]
        cols["conv"].append(conv_ids[done])
        cols["dir"].append(np.ones(len(done), dtype=np.int8))
        cols["auto"].append(np.zeros(len(done), dtype=np.int8))
        cols["at"].append(at[done] + delay[answer])
        cols["label"].append(np.full(len(done), -1))
        answered_before[:] = False
        answered_before[done] = True
        gap = rng.lognormal(np.log(3 * 3600), 1.0, size=len(idx)).astype(np.int64)
        at[idx] = at[idx] + np.where(answer, delay, 0) + gap
    messages = {k: np.concatenate(v) for k, v in cols.items()}
    keep = messages["at"] < int(END.timestamp())
    order = np.argsort(messages["at"][keep], kind="stable")
    messages = {k: v[keep][order] for k, v in messages.items()}
    conv_index = messages["conv"] - 1
    messages["channel"] = channel[conv_index]
    messages["author"] = author[conv_index]
    reopen = (np.concatenate(reopen_conv), np.concatenate(reopen_at))
    keep_reopen = reopen[1] < int(END.timestamp())
    return {
        "conv_brand": brand,
        "conv_channel": channel,
        "conv_start": start,
        **{f"msg_{k}": v for k, v in messages.items()},
        "reopen_conv": reopen[0][keep_reopen],
        "reopen_at": reopen[1][keep_reopen],
    }


# --- writing (child process, Django set up) ------------------------------------------------------------
def timestamps(seconds: np.ndarray, postgres: bool) -> np.ndarray:
    text = np.char.replace(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"), "T", " ")
    return np.char.add(text, "+00") if postgres else text


def bulk_write(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (our own table names)
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def write_data(data: dict[str, np.ndarray], say: Callable[[str], None]) -> dict[str, Any]:
    """Brands, channels, conversations, messages and events, in a handful of bulk statements."""
    from django.db import connection, transaction

    from resonanz.accounts.models import Brand
    from resonanz.inbox.models import Conversation, ConversationEvent, Message
    from resonanz.sources.models import Channel

    postgres = connection.vendor == "postgresql"
    flag = (lambda v: "t" if v else "f") if postgres else (lambda v: 1 if v else 0)
    if not postgres:  # a page cache of 1 GB: the indexes of ten million rows do not fit in the default 2 MB
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    brands = [
        Brand.objects.create(name=f"Bench {b}", slug=f"bench-{b}", timezone="Europe/Berlin")
        for b in range(len(BRAND_SHARES))
    ]
    channels = [
        Channel.objects.create(brand=brands[b], kind=kind, name=name)
        for b in range(len(BRAND_SHARES))
        for kind, name, _share in CHANNELS
    ]
    channel_ids = np.array([c.pk for c in channels])
    brand_ids = np.array([b.pk for b in brands])
    texts = real_texts()
    n_conv, n_msg = len(data["conv_start"]), len(data["msg_at"])
    started = time.perf_counter()
    with transaction.atomic():
        # Plain lists: indexing numpy arrays row by row costs more than the database.
        conv_at = timestamps(data["conv_start"], postgres).tolist()
        conv_brand = brand_ids[data["conv_brand"]].tolist()
        conv_channel = channel_ids[data["conv_channel"]].tolist()
        no = flag(False)
        bulk_write(
            Conversation._meta.db_table,
            ["id", "brand_id", "channel_id", "thread_key", "subject", "status", "priority", "sentiment",
             "post_type", "is_criticism", "needs_moderation", "topics", "labels", "customer_handle",
             "customer_name", "excerpt", "message_count", "last_activity_at", "created_at"],
            (
                (i + 1, conv_brand[i], conv_channel[i], f"t{i + 1}", "", "closed", 2, "", "", no, no, "", "{}",
                 "", "", "", 0, conv_at[i], conv_at[i])
                for i in range(n_conv)
            ),
        )  # fmt: skip
        say(f"{n_conv:,} conversations written ({time.perf_counter() - started:.0f} s)")
        pool = {int(code): label_json(int(code)) for code in np.unique(data["msg_label"]) if code >= 0}
        msg_at = timestamps(data["msg_at"], postgres).tolist()
        msg_conv, msg_label = data["msg_conv"].tolist(), data["msg_label"].tolist()
        msg_channel = channel_ids[data["msg_channel"]].tolist()
        msg_out, msg_auto = data["msg_dir"].astype(bool).tolist(), data["msg_auto"].astype(bool).tolist()
        msg_author = data["msg_author"].tolist()
        yes = flag(True)
        bulk_write(
            Message._meta.db_table,
            ["id", "conversation_id", "channel_id", "direction", "is_automated", "author_handle",
             "author_name", "text", "url", "external_id", "in_reply_to", "labels", "model_version",
             "created_at"],
            (
                (i + 1, msg_conv[i], msg_channel[i], "out" if msg_out[i] else "in", yes if msg_auto[i] else no,
                 "team" if msg_out[i] else f"p{msg_author[i]}", "", texts[i % len(texts)], "", f"g{i + 1:09d}", "",
                 pool.get(msg_label[i], "{}"), "bench", msg_at[i])
                for i in range(n_msg)
            ),
        )  # fmt: skip
        say(f"{n_msg:,} messages written ({time.perf_counter() - started:.0f} s)")
        events = [(c, "created", conv_at[c - 1]) for c in range(1, n_conv + 1)]
        reopen_at = timestamps(data["reopen_at"], postgres).tolist()
        events += [(c, "reopened", reopen_at[k]) for k, c in enumerate(data["reopen_conv"].tolist())]
        events.sort(key=lambda e: e[2])
        bulk_write(
            ConversationEvent._meta.db_table,
            ["conversation_id", "kind", "data", "created_at"],
            ((c, kind, "{}", when) for c, kind, when in events),
        )
        if postgres:
            with connection.cursor() as cursor:
                for model in (Conversation, Message, ConversationEvent):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM {table}))"
                    )
    say(f"{len(events):,} events written ({time.perf_counter() - started:.0f} s)")
    return {
        "conversations": n_conv,
        "messages": n_msg,
        "events": len(events),
        "write_seconds": round(time.perf_counter() - started, 1),
    }


def analyze() -> None:
    """Planner statistics after bulk writes. Autovacuum does this in production; on the benchmark machine
    it is switched off (as on many test servers), and without statistics PostgreSQL scans whole tables
    for the consumer's ``IN (…)`` lookups."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def build_rollups(say: Callable[[str], None]) -> dict[str, Any]:
    """The product's incremental consumer, step by step, as the periodic job runs it."""
    from resonanz.insights import rollup

    analyze()
    started, total, last, analyzed = time.perf_counter(), 0, 0.0, time.perf_counter()
    while True:
        taken = rollup.consume()
        total += taken
        if time.perf_counter() - analyzed > 300:  # the rollup tables grow from nothing
            analyze()
            analyzed = time.perf_counter()
        if time.perf_counter() - last > 30:
            last = time.perf_counter()
            rate = total / max(1e-9, last - started)
            say(f"rollups: {total:,} source rows consumed ({rate:,.0f} rows/s)")
        if taken < rollup.BATCH:
            break
    seconds = time.perf_counter() - started
    analyze()
    return {"rows": total, "seconds": round(seconds, 1), "rows_per_second": round(total / max(seconds, 1e-9))}


# --- measuring (child process) ----------------------------------------------------------------------
def strategy_for(brand: Any) -> None:
    """A few strategy KPIs, so that the KPI cards of the strategy are measured too."""
    from resonanz.insights.models import KPI

    for metric, target, minutes in (
        ("criticism_answered_within", 90, 120),
        ("median_first_response", 30, None),
        ("positive_share", 40, None),
        ("returning_share", 30, None),
    ):
        KPI.objects.get_or_create(
            brand=brand,
            name=metric,
            defaults={"metric": metric, "target": target, "threshold_minutes": minutes},
        )


def scenarios(brands: list[Any], days: int) -> list[tuple[str, Any]]:
    from resonanz.insights.scope import scope_for
    from resonanz.sources.models import Channel

    today = (END - timedelta(days=1)).date()

    def last(n: int) -> str:
        return f"{(today - timedelta(days=n - 1)).isoformat()}..{today.isoformat()}"

    big, small = brands[0], brands[-1]
    channel = Channel.objects.filter(brand=big).order_by("pk").first()
    out = [(f"largest brand, last {n} days", scope_for(big, last(n))) for n in (7, 30, 90, 365)]
    out.append((f"largest brand, all {days} days", scope_for(big, last(days))))
    out.append(("largest brand, 30 days, one channel", scope_for(big, last(30), channel_id=channel.pk)))
    out.append(("largest brand, 30 days, one topic", scope_for(big, last(30), topic="Ticketkauf")))
    out.append(("largest brand, 365 days, one topic", scope_for(big, last(365), topic="Ticketkauf")))
    out.append(("smallest brand, last 30 days", scope_for(small, last(30))))
    out.append(("smallest brand, last 365 days", scope_for(small, last(365))))
    return out


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm-up: connection, caches of the database
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1)}


def measure(repeat: int, days: int, say: Callable[[str], None]) -> list[dict[str, Any]]:
    import time_machine
    from django.db import connection
    from django.test import Client

    from resonanz.accounts.models import Brand, Membership, Role, User
    from resonanz.insights.charts import BUILDERS
    from resonanz.insights.evaluation import evaluate_kpis, headline

    if connection.vendor == "sqlite":  # measure with the production settings, not the bulk-load cache
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")
    brands = list(Brand.objects.filter(slug__startswith="bench-").order_by("pk"))
    strategy_for(brands[0])
    user, _created = User.objects.get_or_create(username="bench-manager", defaults={"email": "b@x.invalid"})
    Membership.objects.get_or_create(user=user, brand=brands[0], defaults={"role": Role.MANAGER})
    Membership.objects.get_or_create(user=user, brand=brands[-1], defaults={"role": Role.MANAGER})
    client = Client()
    client.force_login(user)
    results = []
    with time_machine.travel(END - timedelta(hours=1), tick=True):
        for name, scope in scenarios(brands, days):
            queries: dict[str, Callable[[], object]] = {"KPI cards": lambda s=scope: headline(s)}
            for chart, build in BUILDERS.items():
                queries[f"chart {chart}"] = lambda s=scope, b=build: b(s)
            queries["strategy KPIs"] = lambda s=scope: evaluate_kpis(s.brand)
            params = {"period": scope.period.label}
            if scope.channel_id:
                params["channel"] = str(scope.channel_id)
            if scope.topic:
                params["topic"] = scope.topic
            url = f"/b/{scope.brand.slug}/insights/"

            def page(url: str = url, params: dict[str, str] = params) -> None:
                response = client.get(url, params, HTTP_HOST="127.0.0.1")
                assert response.status_code == 200, response.status_code

            timed = {label: _stats(_time(fn, repeat)) for label, fn in queries.items()}
            every = [lambda q=queries: [fn() for fn in q.values()]]
            timed["all queries of the dashboard"] = _stats(_time(every[0], repeat))
            timed["whole page (HTTP, rendered)"] = _stats(_time(page, repeat))
            results.append({"scenario": name, "timings": timed})
            say(f"{name}: dashboard p50 {timed['whole page (HTTP, rendered)']['p50']} ms")
    return results


def child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    def say(message: str) -> None:
        print(f"[{connection.vendor}] {message}", file=sys.stderr, flush=True)

    report: dict[str, Any] = {"database": connection.vendor, "posts": args.posts}
    call_command("collectstatic", interactive=False, verbosity=0)  # the page renders like in production
    if not args.reuse:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        data = generate(args.posts, args.days, args.seed)
        say(f"generated {len(data['msg_at']):,} messages in memory ({time.perf_counter() - started:.0f} s)")
        report["written"] = write_data(data, say)
        del data
        report["rollups"] = build_rollups(say)
    else:
        call_command("migrate", interactive=False, verbosity=0)
        report["rollups"] = build_rollups(say)  # anything new since the last run
    from resonanz.inbox.models import Message

    report["messages"] = Message.objects.count()
    report["results"] = measure(args.repeat, args.days, say)
    Path(args.out).write_text(json.dumps(report, indent=2))
    return 0


def table(report: dict[str, Any]) -> str:
    lines = [f"**{report['database']}**, {report['messages']:,} messages", ""]
    labels = list(report["results"][0]["timings"])
    lines.append("| scenario | " + " | ".join(labels) + " |")
    lines.append("|---" * (len(labels) + 1) + "|")
    for row in report["results"]:
        cells = [f"{t['p50']:.0f} / {t['p95']:.0f}" for t in row["timings"].values()]
        lines.append(f"| {row['scenario']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000_000, help="inbox messages to generate")
    parser.add_argument("--days", type=int, default=730, help="length of the generated history")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench-insights")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query after one warm-up")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--reuse", action="store_true", help="measure the data of the last run again")
    parser.add_argument("--json", type=Path, help="write all figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    reports = []
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        args.dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, RESONANZ_DATA_DIR=str(args.dir / db), RESONANZ_TASK_BACKEND="immediate")
        env.pop("DATABASE_URL", None)
        if db == "postgres":
            _ensure_pg_database(args.pg_url)
            env["DATABASE_URL"] = args.pg_url
        out = args.dir / f"{db}.json"
        command = [sys.executable, __file__, "--child", "--out", str(out), "--posts", str(args.posts)]
        command += ["--days", str(args.days), "--repeat", str(args.repeat), "--seed", str(args.seed)]
        command += ["--reuse"] if args.reuse else []
        subprocess.run(command, env=env, check=True)
        reports.append(json.loads(out.read_text()))
    print(f"{platform.node()}, {os.cpu_count()} CPUs, {date.today().isoformat()}; p50 / p95 in ms\n")
    for report in reports:
        print(table(report) + "\n")
        print(json.dumps({k: report.get(k) for k in ("written", "rollups")}) + "\n")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
