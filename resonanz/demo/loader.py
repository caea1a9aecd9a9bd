"""``load_demo``: write the demo brands, accounts, threads and articles; running it again changes nothing.

Existing rows are found by natural keys (brand slug, user name, category slug, thread title within its
brand and category, article slug) and left alone, together with everything inside them. Posts are written
with the ORM, not the rate-limited services, so that they can carry past timestamps.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TextIO

from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.alerts.demo import seed_demo as seed_alerts
from resonanz.blog.models import Article
from resonanz.blog.services import create_article, publish_article
from resonanz.community.models import Category, Post, Reaction, Thread
from resonanz.community.services import render_body
from resonanz.demo.content import DemoArticle, DemoPost, DemoThread, demo_articles, demo_threads
from resonanz.demo.people import BRANDS, CATEGORIES, DEMO_PASSWORD, STAFF, USERS, DemoUser
from resonanz.demo.summary import DemoSummary, demo_logins
from resonanz.demo.timeline import SAFETY, post_times, start_time, thread_random
from resonanz.inbox.demo import seed_demo as seed_inbox
from resonanz.insights.demo import seed_demo as seed_insights
from resonanz.moderation.demo import seed_demo as seed_moderation
from resonanz.moderation.models import Report
from resonanz.moderation.services.roles import OPERATOR, change_role

log = logging.getLogger(__name__)
REPORT_NOTES = ("Beleidigung, bitte prüfen.", "Das geht klar unter die Gürtellinie.", "Persönlicher Angriff.")


def load_demo(*, stdout: TextIO | None = None, now: datetime | None = None) -> DemoSummary:
    """Load the demo data in one transaction and return what was created plus the demo logins.

    New posts are queued for the "entered" processing (classification) once the transaction commits.
    """
    loader = _Loader(now=now or timezone.now())
    with transaction.atomic():
        loader.run(stdout)
        # House rules and moderation history before classification runs, so that the automatic
        # screening of the new posts has a rule to cite.
        seeded = loader.summary.seeded
        for brand in loader.brands.values():
            seeded.setdefault("moderation", {})[brand.slug] = seed_moderation(brand, now=loader.now)
        # Then a worked inbox: channels, imported platform exports, the community posts, answers.
        _say(stdout, "Filling the inbox (classifying the posts) …")
        for brand in loader.brands.values():
            seeded.setdefault("inbox", {})[brand.slug] = seed_inbox(brand, now=loader.now)
        # Last the strategy, KPIs and alert settings, so that the dashboards count the worked inbox.
        for brand in loader.brands.values():
            seeded.setdefault("insights", {})[brand.slug] = seed_insights(brand, now=loader.now)
            seeded.setdefault("alerts", {})[brand.slug] = seed_alerts(brand, now=loader.now)
        transaction.on_commit(partial(_enqueue_entered, list(loader.new_post_ids), stdout=stdout))
    summary = loader.summary
    summary.logins = demo_logins()
    _say(stdout, summary.format_counts())
    return summary


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _enqueue_entered(post_ids: list[int], *, stdout: TextIO | None = None) -> None:
    """Queue classification for the new posts; a broken task setup must not undo the loaded data."""
    if not post_ids:
        return
    try:
        from resonanz.community.tasks import post_entered_task

        for post_id in post_ids:
            post_entered_task.enqueue(post_id=post_id, edited=False)
    except Exception:  # the demo stays usable without labels; the reason goes to the log
        log.warning("Could not queue demo posts for classification", exc_info=True)
        _say(stdout, "Warning: demo posts were not queued for classification (see the log).")
        return
    _say(stdout, f"Queued {len(post_ids)} posts for classification.")


def _stamp(rows: models.QuerySet[Any], moment: datetime, **extra: object) -> None:
    """Backdate rows: ``auto_now_add`` ignores values given at creation, an update does not."""
    rows.update(created_at=moment, updated_at=moment, **extra)


class _Loader:
    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.summary = DemoSummary()
        self.brands: dict[str, Brand] = {}
        self.users: dict[str, User] = {}
        self.roles: dict[tuple[int, str], str] = {}  # (brand id, user name) -> role, read once
        self.new_post_ids: list[int] = []

    def run(self, stdout: TextIO | None) -> None:
        self.ensure_brands()
        self.ensure_users()
        _say(stdout, f"Brands and {len(self.users)} accounts ready; writing threads and articles …")
        for thread in demo_threads():
            self.ensure_thread(thread)
        for article in demo_articles():
            self.ensure_article(article)

    # --- brands, categories, accounts ------------------------------------------------------------
    def ensure_brands(self) -> None:
        for spec in BRANDS:
            brand, created = Brand.objects.get_or_create(
                slug=spec.slug,
                defaults={"name": spec.name, "tagline": spec.tagline, "timezone": spec.timezone},
            )
            self.brands[spec.slug] = brand
            self.summary.brands += created
        for position, category in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                brand=self.brands[category.brand], slug=category.slug,
                defaults={"name": category.name, "description": category.description, "position": position},
            )  # fmt: skip

    def ensure_users(self) -> None:
        # One hash for all demo accounts: the password is public anyway, and hashing it ~40 times with
        # the production hasher would take most of the loading time.
        hashed = make_password(DEMO_PASSWORD)
        grants: list[tuple[datetime, User, Brand, str]] = []
        for spec in USERS:
            user = User.objects.filter(username__iexact=spec.username).first()
            if user is None:
                user = self.create_user(spec, hashed_password=hashed)
            elif spec in STAFF and not check_password(DEMO_PASSWORD, user.password):
                # Only the printed logins are checked: each check costs a full password hash.
                self.summary.warnings.append(
                    f"{user.username} existed already; its password was not changed."
                )
            self.users[spec.username] = user
            for slug, role in spec.roles:
                if role == Role.MEMBER:  # joining as a member is no role grant (as at sign-up)
                    Membership.objects.get_or_create(
                        brand=self.brands[slug], user=user, defaults={"role": role}
                    )
                elif not Membership.objects.filter(brand=self.brands[slug], user=user).exists():
                    # Held since before the back-dated moderation history (60 days), so the demo's
                    # approvers are established ones.
                    since = min(user.date_joined, self.now - timedelta(days=90))
                    grants.append((since, user, self.brands[slug], role))
        # Team roles go through the moderation service, recorded and logged publicly like any grant, at the
        # time the person joined (in time order, so the log's timestamps rise with its sequence).
        for at, user, brand, role in sorted(grants, key=lambda grant: (grant[0], grant[1].pk)):
            change_role(user, brand=brand, role=role, by=OPERATOR, at=at)
        names = {user.pk: name for name, user in self.users.items()}
        for brand_id, user_id, role in Membership.objects.filter(user__in=self.users.values()).values_list(
            "brand_id", "user_id", "role"
        ):
            self.roles[(brand_id, names[user_id])] = role

    def create_user(self, spec: DemoUser, *, hashed_password: str) -> User:
        rng = random.Random(f"user:{spec.username}")
        user = User(
            username=spec.username, email=spec.email, display_name=spec.display_name, preferred_language="de",
            is_staff=spec.superuser, is_superuser=spec.superuser,
            date_joined=self.now - timedelta(days=rng.randint(35, 900)),
        )  # fmt: skip
        user.password = hashed_password  # what set_password stores; the demo password skips the validators
        user.save()
        self.summary.users += 1
        return user

    def is_brand_voice(self, username: str, brand: Brand) -> bool:
        """Staff answer within working hours, which shapes the reply rhythm."""
        return self.roles.get((brand.pk, username), Role.MEMBER) != Role.MEMBER

    # --- forum -----------------------------------------------------------------------------------
    def ensure_thread(self, spec: DemoThread) -> None:
        brand = self.brands[spec.brand]
        category = Category.objects.get(brand=brand, slug=spec.category)
        if Thread.objects.filter(brand=brand, category=category, title=spec.title).exists():
            return
        rng = thread_random(spec.brand, spec.title)
        first = start_time(rng, now=self.now, tz_name=brand.timezone, days_ago=spec.days_ago)
        staff = [self.is_brand_voice(post.author, brand) for post in spec.posts[1:]]
        times = post_times(rng, first=first, brand_replies=staff, now=self.now)
        thread = Thread.objects.create(
            brand=brand, category=category, title=spec.title, author=self.users[spec.posts[0].author],
            is_pinned=spec.pinned, is_locked=spec.locked,
            reply_count=len(spec.posts) - 1, last_post_at=times[-1],
        )  # fmt: skip
        _stamp(Thread.objects.filter(pk=thread.pk), times[0])
        self.write_posts(thread, spec.posts, times, rng, opening=True)
        self.summary.threads += 1

    def write_posts(
        self,
        thread: Thread,
        posts: Iterable[DemoPost],
        times: list[datetime],
        rng: random.Random,
        *,
        opening: bool,
    ) -> None:
        for index, (spec, moment) in enumerate(zip(posts, times, strict=True)):
            post = Post.objects.create(
                brand=thread.brand, thread=thread, author=self.users[spec.author],
                is_opening=opening and index == 0, body=spec.text, body_html=render_body(spec.text),
            )  # fmt: skip
            _stamp(Post.objects.filter(pk=post.pk), moment)
            self.react(post, spec, moment, rng)
            if spec.reported_by:
                self.report(post, spec, moment, rng)
            self.new_post_ids.append(post.pk)
            self.summary.posts += 1

    def later(self, moment: datetime, rng: random.Random, *, most_minutes: int) -> datetime:
        return min(moment + timedelta(minutes=rng.randint(2, most_minutes)), self.now - SAFETY)

    def react(self, post: Post, spec: DemoPost, moment: datetime, rng: random.Random) -> None:
        """Likes and "helpful" marks from other members (not staff) of the brand; counters match the rows."""
        pool = sorted(
            name
            for (brand_id, name), role in self.roles.items()
            if brand_id == post.brand_id and role == Role.MEMBER and name != spec.author
        )
        likers = rng.sample(pool, min(spec.likes, len(pool)))
        helpers = rng.sample(pool, min(spec.helpful, len(pool)))
        Reaction.objects.bulk_create(
            [Reaction(post=post, user=self.users[name], kind=Reaction.Kind.LIKE) for name in likers]
            + [Reaction(post=post, user=self.users[name], kind=Reaction.Kind.HELPFUL) for name in helpers]
        )
        Post.objects.filter(pk=post.pk).update(like_count=len(likers), helpful_count=len(helpers))
        _stamp(Reaction.objects.filter(post=post), self.later(moment, rng, most_minutes=600))

    def report(self, post: Post, spec: DemoPost, moment: datetime, rng: random.Random) -> None:
        report = Report.objects.create(
            brand=post.brand, post=post, reporter=self.users[spec.reported_by],
            reason=Report.Reason.ABUSE, note=rng.choice(REPORT_NOTES),
        )  # fmt: skip
        _stamp(Report.objects.filter(pk=report.pk), self.later(moment, rng, most_minutes=90))
        self.summary.reports += 1

    # --- blog ------------------------------------------------------------------------------------
    def ensure_article(self, spec: DemoArticle) -> None:
        brand, author = self.brands[spec.brand], self.users[spec.author]
        if Article.objects.filter(brand=brand, slug=slugify(spec.title)[:180]).exists():
            return
        rng = thread_random(spec.brand, spec.title)
        moment = min(
            start_time(rng, now=self.now, tz_name=brand.timezone, days_ago=spec.days_ago), self.now - SAFETY
        )
        article = create_article(brand, title=spec.title, body=spec.body, summary=spec.summary, by=author)
        _stamp(Article.objects.filter(pk=article.pk), moment - timedelta(hours=rng.randint(2, 30)))
        self.summary.articles += 1
        if not spec.published:
            return
        staff = [self.is_brand_voice(post.author, brand) for post in spec.comments]
        times = post_times(rng, first=moment, brand_replies=staff, now=self.now)  # times[0]: publication
        article = publish_article(article, by=author)
        Article.objects.filter(pk=article.pk).update(published_at=times[0], updated_at=times[0])
        thread = article.discussion
        assert thread is not None  # publish_article opens the discussion
        _stamp(
            Thread.objects.filter(pk=thread.pk),
            times[0],
            last_post_at=times[-1],
            reply_count=len(spec.comments),
        )
        self.write_posts(thread, spec.comments, times[1:], rng, opening=False)
