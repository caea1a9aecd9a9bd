"""What one ``load_demo`` run leaves in the database; loaded once for the module and rolled back after."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.test import Client
from django.utils import timezone

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.blog.models import Article
from resonanz.community.models import Category, Post, Reaction, Thread
from resonanz.demo.content import demo_posts, demo_threads
from resonanz.demo.loader import load_demo
from resonanz.demo.people import DEMO_PASSWORD, EISCAFE, ELBTAL, USERS
from resonanz.demo.summary import DemoSummary
from resonanz.moderation.models import Report

pytestmark = pytest.mark.django_db


@dataclass
class Loaded:
    summary: DemoSummary
    now: datetime


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[Loaded]:
    # Loading takes about a second; the tests below only read, so they share one load.
    with django_db_blocker.unblock(), transaction.atomic():
        now = timezone.now()
        yield Loaded(load_demo(now=now), now)
        transaction.set_rollback(True)


@pytest.fixture
def summary(loaded: Loaded) -> DemoSummary:
    return loaded.summary


def test_creates_both_brands_with_their_categories(summary: DemoSummary) -> None:
    elbtal = Brand.objects.get(slug=ELBTAL)
    assert (elbtal.name, elbtal.timezone) == ("Elbtal Bahn", "Europe/Berlin")
    assert Brand.objects.get(slug=EISCAFE).name == "Eiscafé Venezia"
    assert Category.objects.filter(brand=elbtal, kind=Category.Kind.FORUM).count() == 5
    assert summary.brands == 2


def test_one_account_per_role_and_admin_is_django_superuser(summary: DemoSummary) -> None:
    roles = dict(Membership.objects.filter(brand__slug=ELBTAL).values_list("user__username", "role"))
    expected = {"admin": Role.ADMIN, "maren": Role.MANAGER, "mo": Role.MODERATOR, "alex": Role.AGENT}
    assert {name: roles[name] for name in (*expected, "mia")} == {**expected, "mia": Role.MEMBER}
    assert Membership.objects.get(brand__slug=EISCAFE, user__username="gino").role == Role.MANAGER
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="alex").display_name == "Alex K. (Elbtal Bahn)"
    assert User.objects.get(username="mia").email == "mia@demo.resonanz.invalid"
    assert summary.users == len(USERS) >= 30


def test_creates_every_thread_and_post_of_the_content(summary: DemoSummary) -> None:
    assert summary.threads == len(demo_threads())
    assert summary.posts == len(demo_posts()) == Post.objects.count()
    assert Thread.objects.filter(brand__slug=ELBTAL, category__kind=Category.Kind.FORUM).count() >= 40


def test_thread_counters_match_their_posts(loaded: Loaded) -> None:
    threads = Thread.objects.annotate(
        replies=Count("posts", filter=Q(posts__is_opening=False)), newest=Max("posts__created_at")
    )
    for thread in threads:
        assert thread.reply_count == thread.replies, thread.title
        assert thread.last_post_at == thread.newest, thread.title


def test_reaction_counters_match_reaction_rows(loaded: Loaded) -> None:
    rows = Counter(Reaction.objects.values_list("post_id", "kind"))
    for post in Post.objects.all():
        assert post.like_count == rows[(post.pk, Reaction.Kind.LIKE)]
        assert post.helpful_count == rows[(post.pk, Reaction.Kind.HELPFUL)]
    assert Reaction.objects.count() > 100
    assert not Reaction.objects.filter(user_id=models.F("post__author_id")).exists()


def test_posts_spread_over_the_last_month_in_thread_order(loaded: Loaded) -> None:
    times = list(Post.objects.values_list("created_at", flat=True))
    assert min(times) > loaded.now - timedelta(days=32)
    assert max(times) < loaded.now
    assert len({moment.date() for moment in times}) > 20
    for thread in Thread.objects.all():
        ordered = list(thread.posts.order_by("pk").values_list("created_at", flat=True))
        assert ordered == sorted(ordered), thread.title
        assert thread.created_at == ordered[0] or not thread.posts.filter(is_opening=True).exists()


def test_blog_articles_are_published_with_comments_and_one_draft(summary: DemoSummary) -> None:
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert published.count() == 3 and summary.articles == 4
    assert Article.objects.filter(status=Article.Status.DRAFT, discussion=None).count() == 1
    for article in published:
        assert article.published_at is not None and article.published_at < timezone.now()
        assert article.discussion is not None
        assert article.discussion.created_at == article.published_at
        assert 3 <= article.discussion.posts.count() <= 8


def test_member_reports_on_abusive_posts_are_decided_by_the_moderation_history(summary: DemoSummary) -> None:
    reports = Report.objects.filter(reason=Report.Reason.ABUSE, rule__isnull=True)
    assert reports.count() == summary.reports == 3
    assert all(report.reporter_id != report.post.author_id for report in reports)
    assert {report.status for report in reports} == {Report.Status.DECIDED}


def test_moderation_history_is_seeded_and_its_log_verifies(summary: DemoSummary) -> None:
    from resonanz.moderation.chain import verify_chain

    elbtal = Brand.objects.get(slug="elbtal-bahn")
    assert summary.seeded["moderation"]["elbtal-bahn"]["decisions"] > 0
    assert verify_chain(elbtal).ok


def test_every_listed_login_works_with_the_demo_password(summary: DemoSummary) -> None:
    roles = {(login.brand, login.role) for login in summary.logins}
    assert {role for brand, role in roles if brand == "Elbtal Bahn"} == set(Role.values)
    for login in summary.logins:
        assert login.password == DEMO_PASSWORD
        assert Client().login(username=login.username, password=login.password), login.username


def test_login_table_names_each_role_and_the_password(summary: DemoSummary) -> None:
    table = summary.format_logins()
    assert DEMO_PASSWORD in table
    for name in ("admin", "maren", "mo", "alex", "mia", "gino"):
        assert f" {name} " in table


def test_mentions_are_linked(loaded: Loaded) -> None:
    post = Post.objects.filter(body__startswith="@tobi.pirna").get()
    assert 'class="mention"' in post.body_html
