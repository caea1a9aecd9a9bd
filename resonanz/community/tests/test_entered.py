"""A saved post is staged for the inbox in its own transaction (the outbox); the drain takes it in batches."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from resonanz.community import entry, services
from resonanz.community.models import Post, PostEntry
from resonanz.community.tests.factories import category_factory, thread_factory
from resonanz.core.worker import run_database_worker
from resonanz.inbox.models import Message
from resonanz.settings.base import TASK_QUEUES

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}


@pytest.fixture(autouse=True)
def _no_wake_flags():
    cache.clear()


def messages_of(post: Post) -> int:
    return Message.objects.filter(external_id=f"post:{post.pk}").count()


def drain_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path__endswith="drain_entered_posts_task"))


@pytest.mark.django_db(transaction=True)
def test_new_post_is_staged_and_one_drain_job_on_the_urgent_queue_brings_it_in(brand, member):
    with override_settings(TASKS=DB_TASKS):
        thread = services.create_thread(
            brand,
            category=category_factory(brand),
            title="Zug",
            body="Der Zug war heute pünktlich!",
            by=member,
        )
        post = thread.posts.get()
        assert PostEntry.objects.filter(post=post, edited=False).count() == 1
        [job] = drain_jobs()
        assert job.queue_name == "urgent"
        assert messages_of(post) == 0  # nothing happened yet but the staging

        run_database_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, worker_id="t")

    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    post.refresh_from_db()
    assert post.labels["sentiment"] in {"positive", "negative", "neutral"}
    assert post.labels["explanations"]  # the moderation pages show the word evidence
    assert post.model_version
    assert messages_of(post) == 1
    assert not PostEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_post_leaves_no_entry_and_no_job(brand, member):
    thread = thread_factory(brand)
    with override_settings(TASKS=DB_TASKS), pytest.raises(RuntimeError), transaction.atomic():
        services.create_reply(thread, body="Gleich wieder weg", by=member)
        assert PostEntry.objects.count() == 1  # written with the post, in its transaction
        raise RuntimeError("the request failed after saving")
    assert not PostEntry.objects.exists()
    assert not Post.objects.filter(body="Gleich wieder weg").exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_posts_queues_one_drain_job(brand, member):
    thread = thread_factory(brand)
    with override_settings(TASKS=DB_TASKS):
        for n in range(5):
            services.create_reply(thread, body=f"Antwort {n}", by=member)
        assert PostEntry.objects.count() == 5
        assert len(drain_jobs()) == 1  # the others would have found nothing to do

        run_database_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, worker_id="t")
        assert not PostEntry.objects.exists()
        # Once the drain started, the next post needs (and gets) a new wake-up.
        services.create_reply(thread, body="Noch eine", by=member)
        assert len(drain_jobs()) == 2


@pytest.mark.django_db
def test_drain_takes_batches_and_brings_each_post_in_once(brand, member):
    thread = thread_factory(brand)
    with mock.patch.object(entry, "wake_drain"), transaction.atomic():
        posts = [services.create_reply(thread, body=f"Frage Nummer {n}?", by=member) for n in range(5)]
    assert PostEntry.objects.count() == 5
    stats = entry.drain(batch_size=2)
    assert (stats.processed, stats.batches, stats.failed) == (5, 3, 0)
    assert all(messages_of(post) == 1 for post in posts)
    assert all(Post.objects.get(pk=post.pk).labels for post in posts)
    assert entry.drain().processed == 0
    # A post staged twice (a job of the old kind ran too) is still in the inbox once.
    entry.stage_entered_many([posts[0].pk])
    assert entry.drain().processed == 1
    assert messages_of(posts[0]) == 1


@pytest.mark.django_db
def test_an_edit_updates_the_inbox_message(brand, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.create_thread(
            brand, category=category_factory(brand), title="Zug", body="Der Zug war spät.", by=member
        )
    post = thread.posts.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_post(post, body="Der Zug war sehr spät, 40 Minuten!", by=member)
    message = Message.objects.get(external_id=f"post:{post.pk}")
    assert message.text == "Der Zug war sehr spät, 40 Minuten!"
    assert not PostEntry.objects.exists()


@pytest.mark.django_db
def test_a_failing_post_does_not_hold_back_the_others(brand, member):
    thread = thread_factory(brand)
    with mock.patch.object(entry, "wake_drain"):
        good = services.create_reply(thread, body="Alles gut", by=member)
        bad = services.create_reply(thread, body="Kaputt", by=member)
    real = entry.enter_posts

    def enter(entries):
        if any(e.post_id == bad.pk for e in entries):
            raise ValueError("classifier broke on this post")
        real(entries)

    with mock.patch.object(entry, "enter_posts", side_effect=enter):
        stats = entry.drain()
    assert (stats.processed, stats.failed) == (1, 1)
    assert messages_of(good) == 1 and messages_of(bad) == 0
    waiting = PostEntry.objects.get()
    assert (waiting.post_id, waiting.attempts) == (bad.pk, 1)
    assert "classifier broke" in waiting.error
    assert entry.drain().processed == 1  # the next run retries it (now without the fault)


@pytest.mark.django_db(transaction=True)
def test_sweep_wakes_the_drain_when_posts_wait_and_replaces_a_lost_wake_up(brand, member):
    thread = thread_factory(brand)
    with override_settings(TASKS=DB_TASKS):
        assert entry.sweep() is False  # nothing waits: no job
        services.create_reply(thread, body="Hallo?", by=member)
        assert len(drain_jobs()) == 1
        assert entry.sweep() is False  # a wake-up is pending and young: no second job

        # The job is lost (Redis restarted empty, say) while its flag says it is pending.
        DBTaskResult.objects.all().delete()
        PostEntry.objects.update(created_at=timezone.now() - timedelta(seconds=entry.STALE_SECONDS + 1))
        assert entry.sweep() is True
        assert len(drain_jobs()) == 1
        run_database_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, worker_id="t")
    assert not PostEntry.objects.exists()
    assert Message.objects.filter(text="Hallo?").count() == 1


@pytest.mark.django_db
def test_processing_one_post_twice_is_harmless(brand, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.create_thread(
            brand,
            category=category_factory(brand),
            title="Frage",
            body="Wann fährt der letzte Zug?",
            by=member,
        )
    post = thread.posts.get()
    first = dict(Post.objects.get(pk=post.pk).labels)
    services.process_entered_post(post.pk)
    services.process_entered_post(post.pk)
    assert Post.objects.get(pk=post.pk).labels == first
    assert messages_of(post) == 1
