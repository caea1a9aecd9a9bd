"""Operations: request ids in every log line, readiness that names what is broken, Prometheus metrics."""

from __future__ import annotations

import json
import logging
import logging.config
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from resonanz.classify.services import classify_many, classify_post
from resonanz.core import health, logs, metrics
from resonanz.core.errortracking import init_sentry
from resonanz.core.scheduler import run_scheduler
from resonanz.core.tests.test_worker import rq  # noqa: F401  (fixture: RQ on the test Redis)
from resonanz.core.worker import run_database_worker
from resonanz.inbox.models import Conversation, InboundItem
from resonanz.inbox.tests.factories import channel_factory, conversation_factory
from resonanz.moderation.models import ModerationDecision
from resonanz.settings.base import TASK_QUEUES

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
TOKEN = "s3cret-metrics-token"


@task(queue_name="bulk")
def idle_job() -> None:
    """Only enqueued, never run: it fills a queue."""


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    health._last_beat.clear()


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(logs.RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# --- request ids and log format -------------------------------------------------------------
def run_logged_request(rf, **headers):
    """A request through the middleware whose view writes a log line; (response, the record)."""
    handler = Collect()
    logger = logging.getLogger("resonanz.test.observe")
    logger.addHandler(handler)
    try:

        def view(request):
            logger.warning("inside the view")
            return HttpResponse("ok")

        response = logs.RequestIdMiddleware(view)(rf.get("/", **headers))
    finally:
        logger.removeHandler(handler)
    [record] = handler.records
    return response, record


def test_every_request_gets_a_fresh_id_in_its_log_lines_and_response(rf):
    first, record = run_logged_request(rf)
    second, _ = run_logged_request(rf)
    assert len(first[logs.HEADER]) == 32 and first[logs.HEADER] != second[logs.HEADER]
    assert record.request_id == first[logs.HEADER]
    assert logs.request_id.get() == logs.NO_REQUEST  # reset after the request


def test_request_id_of_untrusted_client_is_replaced(rf, settings):
    settings.RESONANZ = {**settings.RESONANZ, "TRUSTED_PROXIES": ""}
    response, record = run_logged_request(rf, HTTP_X_REQUEST_ID="forged-id")
    assert response[logs.HEADER] != "forged-id" and record.request_id == response[logs.HEADER]


def test_request_id_of_trusted_proxy_is_kept_if_well_formed(rf, settings):
    settings.RESONANZ = {**settings.RESONANZ, "TRUSTED_PROXIES": "127.0.0.0/8"}
    response, record = run_logged_request(rf, HTTP_X_REQUEST_ID="edge-4711", REMOTE_ADDR="127.0.0.1")
    assert response[logs.HEADER] == "edge-4711" == record.request_id
    # A line break would let a client forge log lines: such an id is replaced.
    response, _ = run_logged_request(rf, HTTP_X_REQUEST_ID="a\nb", REMOTE_ADDR="127.0.0.1")
    assert response[logs.HEADER] != "a\nb"
    settings.RESONANZ = {**settings.RESONANZ, "TRUSTED_PROXIES": "1"}  # a fixed chain: always a proxy
    response, _ = run_logged_request(rf, HTTP_X_REQUEST_ID="edge-4712", REMOTE_ADDR="203.0.113.9")
    assert response[logs.HEADER] == "edge-4712"
    settings.RESONANZ = {**settings.RESONANZ, "TRUSTED_PROXIES": "127.0.0.0/8"}
    # From outside the trusted networks the header is not believed.
    response, _ = run_logged_request(rf, HTTP_X_REQUEST_ID="edge-4711", REMOTE_ADDR="203.0.113.9")
    assert response[logs.HEADER] != "edge-4711"


@pytest.mark.django_db
def test_the_site_answers_with_a_request_id(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and len(response["X-Request-ID"]) == 32


def test_json_lines_name_time_level_logger_request_id_and_message():
    record = logging.LogRecord("resonanz.x", logging.ERROR, __file__, 1, "fehlgeschlagen: %s", ("ü",), None)
    logs.RequestIdFilter().filter(record)
    token = logs.request_id.set("abc")
    try:
        logs.RequestIdFilter().filter(record)
    finally:
        logs.request_id.reset(token)
    entry = json.loads(logs.JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["logger"] == "resonanz.x" and entry["request_id"] == "abc"
    assert entry["message"] == "fehlgeschlagen: ü" and entry["time"].endswith("+00:00")


def test_logging_settings_put_the_request_id_into_every_text_line(settings):
    config = settings.LOGGING
    assert "%(request_id)s" in config["formatters"]["main"]["format"]
    assert config["handlers"]["console"]["filters"] == ["request_id"]
    logging.config.dictConfig(config)  # the configuration Django applies is valid


def test_json_log_format_is_chosen_by_the_environment(tmp_path):
    """A fresh process with RESONANZ_LOG_FORMAT=json writes its log lines as JSON objects."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('resonanz.probe').warning('Hallo %s', 'Welt')"
    )
    env = {
        **os.environ,
        "RESONANZ_LOG_FORMAT": "json",
        "RESONANZ_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.test",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["logger"] == "resonanz.probe" and entry["message"] == "Hallo Welt"
    assert entry["level"] == "WARNING" and entry["request_id"] == "-"


# --- readiness ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_ready_when_database_cache_and_scheduler_are_fine(client):
    health.beat(health.SCHEDULER)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    # The test settings run tasks inline: no queue and no worker are needed.
    assert body["checks"]["queues"]["ok"] and body["checks"]["worker_heartbeat"]["ok"]


@pytest.mark.django_db
def test_not_ready_without_a_scheduler_names_the_check(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["scheduler_heartbeat"] == {
        "ok": False, "detail": "no scheduler has reported yet", "value": None,
    }  # fmt: skip
    assert body["checks"]["database"]["ok"]


@pytest.mark.django_db
def test_stale_heartbeat_fails_after_the_threshold(settings):
    settings.HEALTH_MAX_HEARTBEAT_AGE = 60
    health.beat(health.SCHEDULER, now=1000.0)
    checks = {c.name: c for c in health.readiness(now=1059.0).checks}
    assert checks["scheduler_heartbeat"].ok and checks["scheduler_heartbeat"].value == 59.0
    checks = {c.name: c for c in health.readiness(now=1061.0).checks}
    assert not checks["scheduler_heartbeat"].ok and "more than 60 s" in checks["scheduler_heartbeat"].detail


def test_heartbeats_are_throttled_per_process():
    health.beat(health.WORKER, now=1000.0)
    health.beat(health.WORKER, now=1005.0)  # within BEAT_EVERY: no cache write
    assert health.last_beat(health.WORKER) == 1000.0
    health.beat(health.WORKER, now=1011.0)
    assert health.last_beat(health.WORKER) == 1011.0


def test_a_worker_busy_with_a_long_job_keeps_beating(monkeypatch):
    monkeypatch.setattr(health, "BEAT_EVERY", 0.0)  # no throttle, so the test need not wait 10 s
    with health.beating(health.WORKER, every=0.02):
        deadline = time.time() + 5
        while health.last_beat(health.WORKER) is None and time.time() < deadline:
            time.sleep(0.01)
        first = health.last_beat(health.WORKER)
        time.sleep(0.2)  # the main thread is busy with a job
        assert first is not None and health.last_beat(health.WORKER) > first
    assert not any(thread.name == "worker-heartbeat" for thread in threading.enumerate())


@pytest.mark.django_db
def test_the_scheduler_loop_writes_its_heartbeat(settings):
    settings.RESONANZ = {**settings.RESONANZ, "PERIODIC_TASKS": {}}
    before = time.time()
    run_scheduler(once=True)
    assert health.last_beat(health.SCHEDULER) >= before


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_writes_its_heartbeat_and_queues_are_measured(settings):
    settings.HEALTH_MAX_QUEUE_DEPTH = {"urgent": 5, "default": 5, "bulk": 1}
    with override_settings(TASKS=DB_TASKS):
        for _ in range(2):
            idle_job.enqueue()
        assert health.queue_depths() == {"urgent": 0, "default": 0, "bulk": 2}
        result = health.readiness()
        checks = {c.name: c for c in result.checks}
        assert not result.ok and not checks["queue_bulk"].ok and checks["queue_bulk"].value == 2
        assert checks["queue_urgent"].ok
        assert checks["worker_heartbeat"].detail == "no worker has reported yet"
        run_database_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, worker_id="w")
        assert health.queue_depths() == {"urgent": 0, "default": 0, "bulk": 0}
        checks = {c.name: c for c in health.readiness().checks}
        assert checks["worker_heartbeat"].ok and checks["queue_bulk"].ok


@pytest.mark.redis
@pytest.mark.usefixtures("rq")
@pytest.mark.django_db(transaction=True)
def test_the_rq_worker_writes_its_heartbeat_and_rq_queues_are_measured():
    from resonanz.core.worker import run_rq_worker

    idle_job.enqueue()
    idle_job.enqueue()
    assert health.queue_depths() == {"urgent": 0, "default": 0, "bulk": 2}
    assert health.last_beat(health.WORKER) is None
    run_rq_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, quiet=True)
    assert health.queue_depths() == {"urgent": 0, "default": 0, "bulk": 0}
    assert health.last_beat(health.WORKER) is not None


# --- metrics --------------------------------------------------------------------------------
def test_metrics_are_off_without_a_token_or_network(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_wrong_or_missing_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_metrics_from_an_allowed_network_need_no_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 401


def test_a_typo_in_the_metrics_networks_is_named(rf, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="RESONANZ_METRICS_ALLOWED_NETWORKS"):
        metrics.may_read_metrics(rf.get("/metrics"))


def sample(text: str, name: str) -> float:
    """The value of the sample line ``name`` (with its labels, as written) in the exposition text."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in {text}")


@pytest.mark.django_db
def test_metrics_report_what_the_database_holds(client, settings, brand, other_brand, moderator):
    settings.METRICS_TOKEN = TOKEN
    channel = channel_factory(brand)
    for n in range(3):
        InboundItem.objects.create(channel=channel, external_id=f"x{n}", payload={})
    # One received two minutes ago counts for the total only.
    old = InboundItem.objects.create(channel=channel, external_id="old", payload={})
    InboundItem.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(minutes=2))
    late, on_time, closed = (conversation_factory(brand, channel=channel, n=n) for n in (1, 2, 3))
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Conversation.objects.filter(pk=late.pk).update(due_at=an_hour_ago)
    Conversation.objects.filter(pk=on_time.pk).update(due_at=timezone.now() + timedelta(hours=1))
    Conversation.objects.filter(pk=closed.pk).update(status="closed", due_at=an_hour_ago)
    conversation_factory(other_brand)
    ModerationDecision.objects.create(
        brand=brand, action="hide", status=ModerationDecision.Status.PENDING_APPROVAL, explanation="x",
        four_eyes=True, decided_by=moderator,
    )  # fmt: skip

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
    newest = InboundItem.objects.order_by("-id").values_list("id", flat=True)[0]
    assert sample(text, "resonanz_posts_received_total") == newest
    assert (
        sample(text, "resonanz_posts_received_last_minute")
        == InboundItem.objects.filter(received_at__gte=timezone.now() - timedelta(minutes=1)).count()
    )
    assert sample(text, "resonanz_posts_received_last_minute") >= 3
    assert sample(text, f'resonanz_open_conversations{{brand="{brand.slug}"}}') == 2
    assert sample(text, f'resonanz_open_conversations{{brand="{other_brand.slug}"}}') == 1
    assert sample(text, f'resonanz_response_time_breaches{{brand="{brand.slug}"}}') == 1
    assert sample(text, f'resonanz_guard_holds{{brand="{brand.slug}"}}') == 1
    assert "# TYPE resonanz_queue_depth gauge" in text


@pytest.mark.django_db(transaction=True)
def test_metrics_report_queue_depth_of_the_database_backend(client, settings):
    settings.METRICS_TOKEN = TOKEN
    with override_settings(TASKS=DB_TASKS):
        idle_job.enqueue()
        text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert sample(text, 'resonanz_queue_depth{queue="bulk"}') == 1
    assert sample(text, 'resonanz_queue_depth{queue="urgent"}') == 0


def test_classification_latency_histogram_is_cumulative():
    metrics.record_classification(0.003, 1)
    metrics.record_classification(0.2, 50)
    metrics.record_classification(30.0, 1000)
    buckets, count, total, posts = metrics.classification_histogram()
    by_le = dict(buckets)
    assert by_le["0.005"] == 1 and by_le["0.1"] == 1 and by_le["0.25"] == 2 and by_le["10.0"] == 2
    assert by_le["+Inf"] == count == 3 and posts == 1051 and total == pytest.approx(30.203)


@pytest.mark.django_db
def test_classifying_posts_records_latency_and_counts(client, settings):
    settings.METRICS_TOKEN = TOKEN
    classify_post("Der Zug war wieder zu spät.")
    classify_many(["Danke!", "Wann fährt der Bus?"])
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert sample(text, "resonanz_classification_seconds_count") == 2
    assert sample(text, 'resonanz_classification_seconds_bucket{le="+Inf"}') == 2
    assert sample(text, "resonanz_classification_seconds_sum") > 0
    assert sample(text, "resonanz_classified_posts_total") == 3


# --- error tracking -------------------------------------------------------------------------
def test_sentry_is_optional(monkeypatch, caplog):
    import resonanz.core.errortracking as errortracking

    monkeypatch.setattr(errortracking, "find_spec", lambda name: None)
    with caplog.at_level(logging.WARNING, logger="resonanz.core.errortracking"):
        assert init_sentry("https://key@sentry.example/1") is False
    assert "sentry-sdk is not installed" in caplog.text
