"""The demo brand's inbox: one channel of each kind and a mixed-channel queue, without network access.

The posts come from files in the real formats under ``demo_data/<brand slug>/`` (Mastodon and Bluesky
API JSON, .eml mails, a signed-webhook body, a Facebook export, an X archive, a CSV) and go through the
same parsers and the one pipeline as live posts; their times are moved so the newest is minutes old.
Channels that would need the network are saved with placeholder settings and switched off. Then a few
conversations are worked (assigned, answered, closed, a note, a failed delivery) so KPIs have data.

Idempotent: channels, saved replies and targets are found by name, posts dedupe on their ids, and the
worked steps run only for conversations nobody has touched yet.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db.models import F

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.inbox.demo_work import work_demo_inbox
from resonanz.inbox.models import (
    Conversation,
    Priority,
    ResponseTarget,
    SavedReply,
)
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.staging import stage_posts
from resonanz.sources.bluesky.parse import mentions, post_to_incoming
from resonanz.sources.community import to_incoming
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.email.parse import parse_message
from resonanz.sources.imports import csv_format, facebook, x_archive
from resonanz.sources.incoming import IncomingPost
from resonanz.sources.mastodon.parse import mention_statuses, status_to_post
from resonanz.sources.models import Channel
from resonanz.sources.services import get_community_channel
from resonanz.sources.validation import clean_config, clean_secrets
from resonanz.sources.webhook.parse import parse_body

DATA = Path(__file__).resolve().parent / "demo_data"
REFERENCE = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # "now" of the demo files; moved to the real now
CSV_MAPPING = "id=ID,created_at=Datum,author=Autor,text=Beitrag"
COUNTS = ("channels", "posts", "saved_replies", "targets", "worked", "closed")
TARGETS = {Priority.HIGH: 60, Priority.NORMAL: 240, Priority.LOW: 24 * 60}


def _channel_specs(data: Path) -> list[dict[str, Any]]:
    """The demo channels; network ones carry placeholder settings (secrets from unset env variables)
    and are switched off, so nothing is polled. The webhook gets a random secret nobody knows: it works
    offline, and the admin sets their own to try it."""
    specs: list[dict[str, Any]] = json.loads((data / "channels.json").read_text(encoding="utf-8"))
    for spec in specs:
        found = spec.get("secrets") or {}
        spec["secrets"] = {k: secrets.token_urlsafe(32) if v == "random" else v for k, v in found.items()}
    return specs


def seed_demo(brand: Brand, *, now: datetime) -> dict[str, int]:
    """Give ``brand`` a worked, mixed-channel inbox; returns what was created (all 0 on a re-run)."""
    counts: Counter[str] = Counter()
    data = DATA / brand.slug
    channels = _ensure_channels(brand, data, counts) if data.is_dir() else {}
    counts["posts"] += _stage_community(brand)
    if data.is_dir():
        for key, posts in _demo_posts(data).items():
            moved = [replace(post, created_at=post.created_at + (now - REFERENCE)) for post in posts]
            counts["posts"] += stage_posts(channels[key], moved, enqueue=False).new
    process_pending()
    _team_tools(brand, counts)
    team = _team(brand)
    if team is not None:
        work_demo_inbox(brand, channels, team, now=now, counts=counts)
    return {key: counts[key] for key in COUNTS}


# --- channels and posts ---------------------------------------------------------------------------
def _ensure_channels(brand: Brand, data: Path, counts: Counter[str]) -> dict[str, Channel]:
    found: dict[str, Channel] = {}
    for spec in _channel_specs(data):
        channel = Channel.objects.filter(brand=brand, kind=spec["kind"], name=spec["name"]).first()
        if channel is None:
            channel = Channel.objects.create(
                brand=brand,
                kind=spec["kind"],
                name=spec["name"],
                config=clean_config(spec["kind"], spec["config"]),
                credentials=encrypt_credentials(clean_secrets(spec["kind"], spec["secrets"])),
                enabled=bool(spec.get("enabled")),
            )
            counts["channels"] += 1
        found[spec["key"]] = channel
    return found


def _stage_community(brand: Brand) -> int:
    """The community posts enter now, hidden ones too, as on the entered path (the entered task later
    finds them and changes nothing)."""
    from resonanz.community.models import Post

    posts = Post.objects.filter(brand=brand).select_related("author", "thread", "brand")
    incoming = [to_incoming(post) for post in posts.order_by("created_at", "pk")]
    return stage_posts(get_community_channel(brand), incoming, enqueue=False).new


def _demo_posts(data: Path) -> dict[str, list[IncomingPost]]:
    """Each demo file through the parser its channel uses in production."""
    masto = json.loads((data / "mastodon.json").read_text(encoding="utf-8"))
    statuses = mention_statuses(masto["notifications"]) + masto["hashtag"] + masto["own"]
    sky = json.loads((data / "bluesky.json").read_text(encoding="utf-8"))
    views = mentions(sky["notifications"]["notifications"]) + sky["search"]["posts"]
    address = f"service@{data.name}.example"
    mails = [
        parse_message(path.read_bytes(), where=path.name, own_address=address)
        for path in sorted((data / "mail").glob("*.eml"))
    ]
    mapping = csv_format.parse_mapping(CSV_MAPPING)
    return {
        "mastodon": [status_to_post(s, own_account="elbtalbahn") for s in statuses],
        "bluesky": [post_to_incoming(v, own_handle="elbtalbahn.bsky.social") for v in views],
        "email": mails,
        "webhook": parse_body((data / "webhook.json").read_bytes()),
        "facebook": facebook.parse(data / "facebook-comments.json").posts,
        "x": x_archive.parse(data / "x-archive" / "data" / "direct-messages.js").posts,
        "csv": csv_format.parse(data / "social-listening.csv", mapping=mapping).posts,
    }


# --- team tools -------------------------------------------------------------------------------------
def _team_tools(brand: Brand, counts: Counter[str]) -> None:
    replies = json.loads((DATA / "saved_replies.json").read_text(encoding="utf-8"))
    own = DATA / brand.slug / "saved_replies.json"
    if own.is_file():
        replies += json.loads(own.read_text(encoding="utf-8"))
    for reply in replies:
        _saved, created = SavedReply.objects.get_or_create(
            brand=brand, title=reply["title"], defaults={"body": reply["body"]}
        )
        counts["saved_replies"] += created
    for priority, minutes in TARGETS.items():
        _target, created = ResponseTarget.objects.get_or_create(
            brand=brand, priority=priority, defaults={"minutes": minutes}
        )
        counts["targets"] += created
    if counts["targets"]:
        for priority, minutes in TARGETS.items():  # the due times follow the targets
            Conversation.objects.filter(
                brand=brand, priority=priority, first_customer_at__isnull=False
            ).update(due_at=F("first_customer_at") + timedelta(minutes=minutes))


@dataclass(frozen=True)
class Team:
    agent: User
    manager: User


def _team(brand: Brand) -> Team | None:
    """Who works the demo inbox: the brand's first agent and first manager (or admin)."""
    members = Membership.objects.filter(brand=brand, user__is_active=True).select_related("user")
    by_role: dict[str, User] = {}
    for membership in members.order_by("user__username"):
        by_role.setdefault(membership.role, membership.user)
    agent = by_role.get(Role.AGENT) or by_role.get(Role.MANAGER)
    manager = by_role.get(Role.MANAGER) or by_role.get(Role.ADMIN)
    return Team(agent=agent, manager=manager) if agent and manager else None
