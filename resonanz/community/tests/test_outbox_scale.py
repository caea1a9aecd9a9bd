"""Scale mode end to end (PostgreSQL + Redis + real `resonanz worker` processes): no forum post is lost
when workers are killed mid-job (kill -9) or when Redis loses its queued jobs."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from resonanz.community.models import Post, PostEntry
from resonanz.community.tests.factories import thread_factory
from resonanz.inbox.models import Message

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
REPO = Path(__file__).resolve().parents[3]
POSTER = """
import sys, time, django
django.setup()
from resonanz.accounts.models import User
from resonanz.community.models import Thread
from resonanz.community.services import create_reply
thread, user = Thread.objects.get(pk=int(sys.argv[1])), User.objects.get(pk=int(sys.argv[2]))
for n in range(int(sys.argv[3])):
    create_reply(thread, body=f"Kritik Nummer {n}: der Zug kam wieder zu spät.", by=user)
    time.sleep(float(sys.argv[4]))
"""


def scale_env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{port}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15"),
        "RESONANZ_TASK_BACKEND": "rq",
        "RESONANZ_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }


def redis_client(env: dict[str, str]):
    import redis

    return redis.Redis.from_url(env["REDIS_URL"])


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env=env, cwd=REPO)


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return start(env, "-m", "resonanz", "worker", "--no-supervise", "--quiet")


def running_job_pids(env: dict[str, str]) -> set[int]:
    """Pids of workers that are in the middle of a job now (RQ names our workers host.pid)."""
    client = redis_client(env)
    pids = set()
    for key in client.keys("rq:worker:*"):
        if client.type(key) == b"hash" and client.hget(key, "state") == b"busy":
            pids.add(int(key.decode().rsplit(".", 1)[1]))
    return pids


def wait_until_all_entered(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while PostEntry.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.5)


def assert_every_post_entered_once(expected: int) -> None:
    posts = list(Post.objects.filter(body__startswith="Kritik Nummer"))
    assert len(posts) == expected
    assert PostEntry.objects.count() == 0  # 0 unscreened: screening runs in the entry's transaction
    assert all(post.labels for post in posts)  # classified
    in_inbox = Message.objects.filter(external_id__in=[f"post:{post.pk}" for post in posts])
    assert in_inbox.count() == expected  # 0 missing, 0 duplicated


def sweep(env: dict[str, str]) -> None:
    """What `resonanz scheduler` does every minute, now (the stale wake-up flag is forced)."""
    code = "import django; django.setup(); from resonanz.community import entry; entry.wake_drain(force=True)"
    subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, check=True)


POSTS = 80  # benchmarks/workers.py runs the 20 kills


def test_burst_of_posts_with_workers_killed_mid_job_loses_nothing(brand, member, tmp_path):
    env = scale_env(tmp_path)
    redis_client(env).flushdb()
    thread = thread_factory(brand)
    workers = [worker(env), worker(env)]
    poster = start(env, "-c", POSTER, str(thread.pk), str(member.pk), str(POSTS), "0.4")
    kills = 0
    try:
        while poster.poll() is None:  # kill a worker whenever one is running a job, while posts come in
            busy = running_job_pids(env) & {w.pid for w in workers}
            if not busy:
                time.sleep(0.01)
                continue
            index = next(i for i, w in enumerate(workers) if w.pid in busy)
            time.sleep(random.uniform(0, 0.15))  # somewhere inside the job: claiming, classifying, storing
            workers[index].send_signal(signal.SIGKILL)
            workers[index].wait()
            workers[index] = worker(env)  # what the supervisor does
            kills += 1
        assert poster.wait(timeout=120) == 0
        sweep(env)
        wait_until_all_entered(timeout=90)
    finally:
        for process in [*workers, poster]:
            if process.poll() is None:
                process.kill()
                process.wait()
    print(f"{kills} kills of workers running a job")
    assert_every_post_entered_once(POSTS)
    assert kills >= 2


def test_posts_whose_jobs_redis_lost_reach_the_inbox_after_the_sweep(brand, member, tmp_path):
    env = scale_env(tmp_path)
    client = redis_client(env)
    client.flushdb()
    thread = thread_factory(brand)
    poster = start(env, "-c", POSTER, str(thread.pk), str(member.pk), "10", "0")
    assert poster.wait(timeout=120) == 0
    assert PostEntry.objects.count() == 10
    client.flushdb()  # Redis restarted without persistence: the wake-up jobs are gone
    process = worker(env)
    try:
        scheduler = start(env, "-m", "resonanz", "scheduler", "--once", "--quiet")
        assert scheduler.wait(timeout=60) == 0
        wait_until_all_entered(timeout=90)
    finally:
        process.kill()
        process.wait()
    assert_every_post_entered_once(10)
