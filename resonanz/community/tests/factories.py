"""Factories for forum data with keyword knobs: ``thread_factory(brand, replies=3, locked=True)``."""

from __future__ import annotations

from django.utils import timezone

from resonanz.accounts.models import Brand, User
from resonanz.accounts.tests.factories import UserFactory
from resonanz.community.models import Category, Post, Thread
from resonanz.community.services import render_body


def category_factory(brand: Brand, *, slug: str = "allgemein", name: str = "Allgemein") -> Category:
    category, _ = Category.objects.get_or_create(brand=brand, slug=slug, defaults={"name": name})
    return category


def post_factory(
    thread: Thread, *, body: str = "Eine Antwort.", author: User | None = None, **kwargs: object
) -> Post:
    author = author or UserFactory()
    return Post.objects.create(
        brand=thread.brand, thread=thread, author=author, body=body, body_html=render_body(body), **kwargs
    )


def thread_factory(
    brand: Brand,
    *,
    title: str = "Frage zum Fahrplan",
    body: str = "Wann fährt der erste Zug?",
    author: User | None = None,
    category: Category | None = None,
    replies: int = 0,
    locked: bool = False,
) -> Thread:
    author = author or UserFactory()
    thread = Thread.objects.create(
        brand=brand, category=category or category_factory(brand), title=title, author=author,
        last_post_at=timezone.now(), is_locked=locked,
    )  # fmt: skip
    post_factory(thread, body=body, author=author, is_opening=True)
    for n in range(replies):
        post_factory(thread, body=f"Antwort {n + 1}")
    thread.reply_count = replies
    thread.save(update_fields=["reply_count"])
    return thread
