"""Every saved post enqueues the "entered" task, and the embedded database worker processes it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from resonanz.community import services
from resonanz.community.tests.factories import category_factory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_new_post_is_queued_and_processed_by_the_database_worker(brand, member):
    with override_settings(TASKS=DB_TASKS):
        thread = services.create_thread(
            brand,
            category=category_factory(brand),
            title="Zug",
            body="Der Zug war heute pünktlich, danke!",
            by=member,
        )
        queued = DBTaskResult.objects.get()
        assert queued.task_path.endswith("post_entered_task")
        assert queued.args_kwargs["kwargs"]["post_id"] == thread.posts.get().pk

        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    post = thread.posts.get()
    assert post.labels["sentiment"] in {"positive", "negative", "neutral"}
    assert post.model_version


@pytest.mark.django_db(transaction=True)
def test_processing_twice_is_harmless(brand, member):
    thread = services.create_thread(
        brand, category=category_factory(brand), title="Frage", body="Wann fährt der letzte Zug?", by=member
    )
    post = thread.posts.get()
    services.process_entered_post(post.pk)
    first = dict(type(post).objects.get(pk=post.pk).labels)
    services.process_entered_post(post.pk)
    assert type(post).objects.get(pk=post.pk).labels == first
