"""Rate limits on public writes, in the database (the embedded mode) and in real Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from resonanz.core.errors import RateLimited
from resonanz.core.ratelimit import check_rate


@pytest.fixture(autouse=True)
def _database_limit_store(settings):
    """The embedded mode's store: counters in the database, rolled back with each test."""
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "database"}


def _limits(settings, n: int) -> None:
    settings.RESONANZ = {
        **settings.RESONANZ,
        "RATE_LIMITS": {**settings.RESONANZ["RATE_LIMITS"], "post": (n, 60)},
    }


@pytest.mark.django_db
def test_limit_is_enforced_per_key(settings):
    _limits(settings, 3)
    key = f"ip:{uuid.uuid4()}"
    for _ in range(3):
        check_rate("post", key)
    with pytest.raises(RateLimited) as exc:
        check_rate("post", key)
    assert 0 < exc.value.retry_after <= 60
    check_rate("post", f"ip:{uuid.uuid4()}")  # another client is not affected


@pytest.mark.redis
def test_limit_is_shared_through_redis(settings):
    url = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
    _limits(settings, 2)
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "auto"}  # Redis, because it is the cache
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    with override_settings(CACHES=redis_cache):
        key = f"ip:{uuid.uuid4()}"
        check_rate("post", key)
        check_rate("post", key)
        with pytest.raises(RateLimited):
            check_rate("post", key)
        assert "Redis" in type(caches["default"]).__name__


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_counter_loses_no_hit_between_concurrent_requests():
    """Eight threads (eight connections) counting one key: every hit is counted once."""
    import threading

    from django.db import connection

    from resonanz.core import counters

    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(25):
                value = counters.hit("rl:concurrent", ttl=60)
                with lock:
                    seen.append(value)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 201))


@pytest.mark.django_db
def test_the_file_cache_is_never_the_limit_store(settings, tmp_path):
    from resonanz.core import counters
    from resonanz.core.models import LimitCounter

    file_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    for store in ("auto", "cache"):
        settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": store}
        with override_settings(CACHES=file_cache):
            assert counters.hit(f"rl:file:{store}", ttl=60) == 1
        assert LimitCounter.objects.filter(key=f"rl:file:{store}").exists()
    assert not any(tmp_path.iterdir())
