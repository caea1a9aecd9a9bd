"""PostgreSQL with distributed workers: two worker processes drain one queue in parallel
(SELECT … FOR UPDATE SKIP LOCKED) and every item becomes exactly one message."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from resonanz.inbox.models import Conversation, InboundItem, Message
from resonanz.inbox.staging import stage_posts
from resonanz.inbox.tests.factories import channel_factory, incoming

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ITEMS = 2000


def _worker_env() -> dict[str, str]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
        "RESONANZ_TASK_BACKEND": "immediate",
    }


def test_two_workers_never_process_an_item_twice(brand):
    channel = channel_factory(brand)
    posts = [incoming(n, thread_key=f"t{n % 150}") for n in range(ITEMS)]
    stage_posts(channel, posts, enqueue=False)
    command = [sys.executable, "-m", "resonanz", "process-inbox", "--batch-size", "25"]
    workers = [
        subprocess.Popen(command, env=_worker_env(), stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs
    done = [int(out.split()[1]) for out in outputs]  # "processed N items in M batches"
    assert sum(done) == ITEMS
    assert Message.objects.count() == ITEMS
    assert not InboundItem.objects.exclude(state=InboundItem.State.PROCESSED).exists()
    assert sum(Conversation.objects.values_list("message_count", flat=True)) == ITEMS
    assert Conversation.objects.count() == 150
