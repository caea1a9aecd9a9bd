"""Worker benchmark (docs/benchmarks.md, section "Workers, queues and the community outbox").

Scale mode on PostgreSQL + Redis (a scratch database rz_bench_workers, Redis db 5 unless --redis):

- per-job overhead: N real jobs (``post_entered_task`` for a post already in the inbox: classify, the
  pipeline, screening) run by one ``resonanz worker --burst``; overhead per job = (wall time with 1 + N
  jobs - wall time with 1) / N - the job's own time measured in-process. For the preloaded
  non-forking RQ worker, the database worker, and RQ's default forking worker (what ran before).
- the same in one process (``--only inprocess``): the worker loop alone, N small jobs run by a
  worker minus the same N calls without one, for both backends.
- a burst of forum replies through the web app (Django's test client posting the reply form, each a
  real request with session, CSRF-exempt test client, rate limit raised) while two ``resonanz worker``
  processes run: latency from the post's commit to its message in the inbox, p50/p95/max.
- periodic jobs under a backlog: B bulk jobs queued, then the urgent periodic job every few seconds;
  how long each urgent job waited to start.
- kills: the same burst with ``kill -9`` of a worker in the middle of a job, K times; then missing,
  duplicated and unscreened posts are counted.

    .venv/bin/python benchmarks/workers.py                       # all, default sizes (~5 min)
    .venv/bin/python benchmarks/workers.py --only overhead --jobs 100
    .venv/bin/python benchmarks/workers.py --only burst --replies 300 --seconds 60

Prints one JSON object per scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "rz_bench_workers"


def env_for(args: argparse.Namespace, backend: str = "rq") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
        "DATABASE_URL": PG + DB_NAME,
        "REDIS_URL": args.redis,
        "RESONANZ_TASK_BACKEND": backend,
        "RESONANZ_DATA_DIR": str(REPO / "var" / "bench-workers"),
        "RESONANZ_RATE_POST": "1000000",
        "ALLOWED_HOSTS": "testserver,localhost",
        "LOG_LEVEL": "WARNING",
        "OPENBLAS_NUM_THREADS": "1",
    }


def helper(env: dict[str, str], name: str, *params: object) -> Any:
    """Run a helper of this file in a Django process with ``env``; returns its JSON answer."""
    done = subprocess.run(
        [sys.executable, __file__, "--helper", name, *map(str, params)],
        env=env, cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"helper {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker(env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "resonanz", "worker", "--no-supervise", "--quiet", *extra], env=env, cwd=REPO
    )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis(args: argparse.Namespace) -> Any:
    import redis as redis_module

    return redis_module.Redis.from_url(args.redis)


def wait_for_workers(args: argparse.Namespace, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(redis(args).keys("rq:worker:*")) < count:
        if time.monotonic() > deadline:
            sys.exit("workers did not start")
        time.sleep(0.2)


# --- scenarios --------------------------------------------------------------------------------------
def overhead(args: argparse.Namespace, setup: dict[str, Any]) -> list[dict[str, Any]]:
    work_ms = helper(env_for(args), "job_time", setup["post"])
    rows = []
    for mode, jobs in (("rq preloaded, no fork", args.jobs), ("database, preloaded", args.jobs),
                       ("rq default (fork per job)", args.fork_jobs)):  # fmt: skip
        backend = "database" if mode.startswith("database") else "rq"
        env = env_for(args, backend)
        if mode.startswith("rq default"):
            command = [sys.executable, "-m", "resonanz", "manage", "rqworker", "urgent", "default", "bulk",
                       "--burst", "--job-class", "django_tasks_rq.Job"]  # fmt: skip
        else:
            command = [sys.executable, "-m", "resonanz", "worker", "--burst", "--quiet"]
        timings = {}
        # From 1 to 1 + N jobs: start-up and anything the first job pays once cancel out.
        for count in (1, 1 + jobs):
            redis(args).flushdb()
            helper(env, "enqueue", setup["post"], count)
            started = time.perf_counter()
            subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)
            timings[count] = time.perf_counter() - started
        per_job_ms = (timings[1 + jobs] - timings[1]) / jobs * 1000
        rows.append({
            "scenario": "overhead", "worker": mode, "jobs": jobs, "one_job_s": round(timings[1], 2),
            "per_job_ms": round(per_job_ms, 1), "job_work_ms": round(work_ms, 1),
            "overhead_per_job_ms": round(per_job_ms - work_ms, 1),
        })  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)
    return rows


def burst(args: argparse.Namespace, setup: dict[str, Any], *, kills: int = 0) -> dict[str, Any]:
    env = env_for(args)
    redis(args).flushdb()
    workers = [worker(env), worker(env)]
    command = ["post_burst", setup["thread"], setup["user"], args.replies, args.seconds]
    done_kills = 0
    try:
        wait_for_workers(args, 2)  # loaded and listening: the latency is the queue's, not a start-up's
        poster = subprocess.Popen(
            [sys.executable, __file__, "--helper", *map(str, command)],
            env=env, cwd=REPO, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        while kills and done_kills < kills and poster.poll() is None:
            busy = [w for w in workers if redis(args).hget(f"rq:worker:{os.uname().nodename}.{w.pid}", "state")
                    == b"busy"]  # fmt: skip
            if not busy:
                time.sleep(0.01)
                continue
            time.sleep(random.uniform(0, 0.15))  # inside the job: claiming, classifying, storing
            victim = busy[0]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            workers[workers.index(victim)] = worker(env)
            done_kills += 1
        out, _err = poster.communicate(timeout=args.seconds * 10 + 300)
        result = json.loads(out.strip().splitlines()[-1])
        if result["waiting"]:  # what the scheduler's sweep does every minute
            helper(env, "sweep")
            result = {**result, **helper(env, "count", setup["thread"], result["first_post"])}
    finally:
        stop(workers)
    row = {"scenario": "burst" if not kills else "kills", "workers": 2, "kills": done_kills, **result}
    print(json.dumps(row), flush=True)
    return row


def backlog(args: argparse.Namespace, setup: dict[str, Any]) -> dict[str, Any]:
    env = env_for(args)
    redis(args).flushdb()
    helper(env, "enqueue", setup["post"], args.backlog)  # bulk: post_entered_task is on the bulk queue
    workers = [worker(env), worker(env)]
    delays = []
    try:
        wait_for_workers(args, 2)
        started = time.monotonic()
        while True:
            delays.append(helper(env, "urgent_delay"))
            left = helper(env, "queued", "bulk")
            if not left:
                break
            time.sleep(args.every)
        drained_s = time.monotonic() - started
    finally:
        stop(workers)
    row = {
        "scenario": "backlog", "bulk_jobs": args.backlog, "backlog_s": round(drained_s, 1),
        "urgent_jobs": len(delays), "urgent_wait_ms_max": round(max(delays), 1),
        "urgent_wait_ms_p50": round(statistics.median(delays), 1),
    }  # fmt: skip
    print(json.dumps(row), flush=True)
    return row


# --- helpers (run inside a Django process) ---------------------------------------------------------
def h_setup() -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from resonanz.accounts.models import Role
    from resonanz.accounts.tests.factories import BrandFactory, member_factory
    from resonanz.community.entry import drain
    from resonanz.community.services import create_thread
    from resonanz.community.tests.factories import category_factory

    brand = BrandFactory.create(name="Bench Bahn", slug="bench-bahn")
    user = member_factory(brand, Role.MEMBER, username="bench")
    thread = create_thread(brand, category=category_factory(brand), title="Verspätungen",
                           body="Der Zug war wieder zu spät.", by=user)  # fmt: skip
    drain()  # the opening post, in the inbox before any measurement
    return {"thread": thread.pk, "user": user.pk, "post": thread.posts.get().pk, "brand": brand.slug}


def h_inprocess(backend: str, jobs: str) -> dict[str, Any]:
    """The worker loop alone, in this process: N jobs of a small task (the every-minute sweep of dead
    workers' tasks, three queries) run by the worker, minus the same N calls without a worker."""
    from resonanz.core.tasks import requeue_abandoned_tasks_task as job
    from resonanz.core.worker import preload, run_database_worker, run_rq_worker

    preload()
    count = int(jobs)
    started = time.perf_counter()
    for _ in range(count):
        job.call()
    alone = (time.perf_counter() - started) / count * 1000
    for _ in range(count):
        job.enqueue()
    started = time.perf_counter()
    if backend == "database":
        run_database_worker(queues=["urgent", "default", "bulk"], burst=True, max_jobs=None,
                            max_memory_mb=None, worker_id="bench")  # fmt: skip
    else:
        run_rq_worker(queues=["urgent", "default", "bulk"], burst=True, max_jobs=None, max_memory_mb=None,
                      quiet=True)  # fmt: skip
    per_job = (time.perf_counter() - started) / count * 1000
    return {"scenario": "overhead in-process", "backend": backend, "jobs": count,
            "per_job_ms": round(per_job, 1), "job_alone_ms": round(alone, 1),
            "overhead_per_job_ms": round(per_job - alone, 1)}  # fmt: skip


def h_job_time(post_id: str) -> float:
    from resonanz.community.services import process_entered_post
    from resonanz.core.worker import preload

    preload()
    times = []
    for _ in range(20):
        started = time.perf_counter()
        process_entered_post(int(post_id))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def h_enqueue(post_id: str, count: str) -> int:
    from resonanz.community.tasks import post_entered_task

    for _ in range(int(count)):
        post_entered_task.enqueue(post_id=int(post_id))
    return int(count)


def h_post_burst(thread_id: str, user_id: str, replies: str, seconds: str) -> dict[str, Any]:
    """Post the replies through the web app at an even rate; watch the inbox for each one."""
    from django.db import connections
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from resonanz.accounts.models import User
    from resonanz.community.models import Post, Thread
    from resonanz.inbox.models import Message

    thread = Thread.objects.select_related("brand").get(pk=int(thread_id))
    client = Client()
    client.force_login(User.objects.get(pk=int(user_id)))
    url = reverse("community:reply", args=[thread.brand.slug, thread.pk])
    total, span = int(replies), float(seconds)
    first_post = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    seen: dict[str, float] = {}
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            now = timezone.now().timestamp()
            for external in Message.objects.filter(external_id__startswith="post:").values_list(
                "external_id", flat=True
            ):
                seen.setdefault(external, now)
            time.sleep(0.1)
        connections.close_all()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    for n in range(total):
        delay = started + n * span / total - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        response = client.post(url, {"body": f"Antwort {n}: der Zug kam wieder zu spät, bitte meldet euch."})
        assert response.status_code in (200, 302), response.status_code
    posted_s = time.monotonic() - started
    posts = dict(Post.objects.filter(pk__gt=first_post).values_list("pk", "created_at"))
    deadline = time.monotonic() + 180
    while len([pk for pk in posts if f"post:{pk}" in seen]) < len(posts) and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    watcher.join()
    latencies = sorted(
        seen[f"post:{pk}"] - at.timestamp() for pk, at in posts.items() if f"post:{pk}" in seen
    )
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else latencies * 19
    return {
        "replies": total, "posted_in_s": round(posted_s, 1), "first_post": first_post,
        "reached_inbox": len(latencies), "waiting": len(posts) - len(latencies),
        "latency_s_p50": round(statistics.median(latencies), 2) if latencies else None,
        "latency_s_p95": round(q[18], 2) if latencies else None,
        "latency_s_max": round(latencies[-1], 2) if latencies else None,
    }  # fmt: skip


def h_sweep() -> bool:
    from resonanz.community.entry import PostEntry, wake_drain

    wake_drain(force=True)
    deadline = time.monotonic() + 120
    while PostEntry.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    return True


def h_count(thread_id: str, first_post: str) -> dict[str, int]:
    from django.db.models import Count

    from resonanz.community.models import Post, PostEntry
    from resonanz.inbox.models import Message

    posts = list(
        Post.objects.filter(thread_id=int(thread_id), pk__gt=int(first_post)).values_list("pk", "labels")
    )
    externals = [f"post:{pk}" for pk, _labels in posts]
    counts = Message.objects.filter(external_id__in=externals).values("external_id").annotate(n=Count("id"))
    found = {row["external_id"]: row["n"] for row in counts}
    return {
        "missing": sum(1 for e in externals if e not in found),
        "duplicated": sum(1 for n in found.values() if n > 1),
        "unscreened": PostEntry.objects.count() + sum(1 for _pk, labels in posts if not labels),
        "waiting": PostEntry.objects.count(),
    }


def h_urgent_delay() -> float:
    """Enqueue the urgent periodic job now; milliseconds until a worker started it."""
    from resonanz.core.tasks import requeue_abandoned_tasks_task

    result = requeue_abandoned_tasks_task.enqueue()
    enqueued = time.time()
    while True:
        result.refresh()
        if result.started_at is not None:
            return (result.started_at.timestamp() - enqueued) * 1000
        time.sleep(0.02)


def h_queued(name: str) -> int:
    import django_rq

    return len(django_rq.get_queue(name))


HELPERS = {"setup": h_setup, "inprocess": h_inprocess, "job_time": h_job_time, "enqueue": h_enqueue, "post_burst": h_post_burst,
           "sweep": h_sweep, "count": h_count, "urgent_delay": h_urgent_delay, "queued": h_queued}  # fmt: skip


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--helper":
        import django

        sys.path.insert(0, str(REPO))
        django.setup()
        print(json.dumps(HELPERS[sys.argv[2]](*sys.argv[3:])))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", choices=["overhead", "inprocess", "burst", "backlog", "kills"], action="append"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--fork-jobs", type=int, default=10)
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--every", type=float, default=5)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    setup = helper(env_for(args), "setup")
    only = args.only or ["overhead", "inprocess", "burst", "backlog", "kills"]
    if "overhead" in only:
        overhead(args, setup)
    if "inprocess" in only:
        for backend in ("rq", "database"):
            redis(args).flushdb()
            print(json.dumps(helper(env_for(args, backend), "inprocess", backend, args.jobs)), flush=True)
    if "burst" in only:
        burst(args, setup)
    if "backlog" in only:
        backlog(args, setup)
    if "kills" in only:
        burst(args, setup, kills=args.kills)
        print(json.dumps(helper(env_for(args), "count", setup["thread"], setup["post"])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
