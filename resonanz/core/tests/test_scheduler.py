"""The periodic scheduler enqueues each due job once per interval, even with two schedulers."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from resonanz.core import scheduler

CALLS: list[str] = []


class FakeTask:
    """Stands in for a django-tasks Task: the scheduler only calls ``enqueue()``."""

    def enqueue(self) -> None:
        CALLS.append("ran")


fake_task = FakeTask()


@pytest.fixture(autouse=True)
def _clean(settings):
    cache.clear()
    CALLS.clear()
    settings.RESONANZ = {**settings.RESONANZ, "PERIODIC_TASKS": {f"{__name__}.fake_task": 60}}


def test_due_job_is_enqueued_once_per_bucket():
    assert scheduler.enqueue_due(now=120.0) == [f"{__name__}.fake_task"]
    assert scheduler.enqueue_due(now=150.0) == []  # same 60 s bucket: a second scheduler does nothing
    assert scheduler.enqueue_due(now=185.0) == [f"{__name__}.fake_task"]
    assert CALLS == ["ran", "ran"]


def test_broken_job_does_not_stop_the_others(settings):
    settings.RESONANZ = {
        **settings.RESONANZ,
        "PERIODIC_TASKS": {"resonanz.nowhere.task": 60, f"{__name__}.fake_task": 60},
    }
    assert scheduler.enqueue_due(now=60.0) == [f"{__name__}.fake_task"]


def test_every_configured_periodic_job_is_an_importable_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    from resonanz.settings import base  # the shipped configuration (the tests here override it)

    jobs = base.RESONANZ["PERIODIC_TASKS"]
    assert "resonanz.inbox.tasks.poll_channels_task" in jobs  # channels are polled without anyone asking
    for path, seconds in jobs.items():
        assert isinstance(import_string(path), Task), path
        assert int(seconds) >= 1
