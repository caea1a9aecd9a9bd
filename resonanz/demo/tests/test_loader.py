"""``load_demo`` runs: a second run changes nothing, new posts are queued, failures stay contained."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from unittest import mock

import pytest
from django.db import models

from resonanz.accounts.models import Brand, Membership, User
from resonanz.blog.models import Article
from resonanz.community.models import Category, Post, Reaction, Thread
from resonanz.demo.loader import load_demo
from resonanz.moderation.models import Report

pytestmark = pytest.mark.django_db
MODELS: tuple[type[models.Model], ...] = (
    Brand, User, Membership, Category, Thread, Post, Reaction, Article, Report,
)  # fmt: skip


def checksum() -> str:
    digest = hashlib.sha256()
    for model in MODELS:
        for row in model._default_manager.order_by("pk").values():
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def test_loading_twice_creates_and_changes_nothing() -> None:
    load_demo()
    before = checksum()
    second = load_demo()
    assert checksum() == before
    assert not second.created_anything
    assert (second.brands, second.users, second.threads, second.posts, second.articles) == (0, 0, 0, 0, 0)
    assert "already loaded" in second.format_counts()


def test_new_posts_are_queued_for_classification_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        mock.patch("resonanz.community.tasks.post_entered_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        summary = load_demo()
    assert task.enqueue.call_count == summary.posts
    first = Post.objects.order_by("pk").first()
    assert first is not None
    task.enqueue.assert_any_call(post_id=first.pk, edited=False)


def test_a_failing_task_queue_does_not_break_loading(django_capture_on_commit_callbacks: Any) -> None:
    out = io.StringIO()
    with (
        mock.patch("resonanz.community.tasks.post_entered_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        task.enqueue.side_effect = RuntimeError("no classifier yet")
        summary = load_demo(stdout=out)
    assert summary.posts == Post.objects.count() > 0
    assert "not queued" in out.getvalue()


def test_existing_account_keeps_its_password_and_is_named_in_warnings() -> None:
    User.objects.create_user(username="mia", email="mia@example.org", password="ganz-anderes-passwort")
    summary = load_demo()
    assert any("mia" in warning for warning in summary.warnings)
    assert "mia" in summary.format_logins()
    assert User.objects.get(username="mia").check_password("ganz-anderes-passwort")
