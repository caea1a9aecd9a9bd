"""The demo inbox: every channel kind, posts from the shipped demo files, worked conversations, and a
second run that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resonanz.accounts.models import Role
from resonanz.accounts.tests.factories import member_factory
from resonanz.community.tests.factories import thread_factory
from resonanz.inbox.demo import seed_demo
from resonanz.inbox.models import (
    Conversation,
    ConversationEvent,
    DeliveryStatus,
    InboundItem,
    Message,
    Note,
    OutgoingReply,
    ResponseTarget,
    SavedReply,
    Status,
)
from resonanz.inbox.services.team import check_placeholders
from resonanz.sources.models import Channel, ChannelKind

pytestmark = pytest.mark.django_db
# The forum post of the fixture is written at the wall-clock time: "now" must not be before it.
NOW = datetime.now(UTC) + timedelta(minutes=5)


@pytest.fixture
def forum_post(brand, member):
    return thread_factory(brand, title="Zug fällt aus", body="Warum fällt der RE 50 aus?", author=member)


def test_seed_gives_a_worked_mixed_channel_inbox(brand, agent, manager, forum_post):
    counts = seed_demo(brand, now=NOW)
    kinds = set(Channel.objects.filter(brand=brand).values_list("kind", flat=True))
    assert kinds == set(ChannelKind.values)  # one channel of each kind, the community included
    with_posts = set(Conversation.objects.filter(brand=brand).values_list("channel__kind", flat=True))
    assert with_posts == set(ChannelKind.values) - {ChannelKind.RSS}  # feeds need the network
    # network channels are placeholders, switched off: nothing tries to poll them offline
    assert not Channel.objects.filter(
        brand=brand, kind__in=[ChannelKind.RSS, ChannelKind.MASTODON, ChannelKind.BLUESKY, ChannelKind.EMAIL],
        enabled=True,
    ).exists()  # fmt: skip
    items = InboundItem.objects.filter(channel__brand=brand)
    assert counts["posts"] == items.count() == items.filter(state=InboundItem.State.PROCESSED).count()
    assert counts["channels"] == 8 and counts["saved_replies"] >= 5 and counts["targets"] == 3
    assert counts["worked"] >= 10

    newest = Message.objects.filter(channel__brand=brand).latest("created_at").created_at
    assert NOW - timedelta(hours=1) < newest <= NOW  # the demo files' times are moved to "now"
    statuses = set(Conversation.objects.filter(brand=brand).values_list("status", flat=True))
    assert {Status.NEW, Status.OPEN, Status.WAITING, Status.ANSWERED, Status.CLOSED} <= statuses
    assert Conversation.objects.filter(brand=brand, needs_moderation=True).exists()
    assert Conversation.objects.filter(brand=brand, assignee=agent).exists()
    assert Conversation.objects.filter(brand=brand, assignee=manager).exists()
    assert Note.objects.filter(conversation__brand=brand).exists()
    failed = OutgoingReply.objects.get(message__conversation__brand=brand)
    assert failed.status == DeliveryStatus.FAILED and failed.last_error
    # answers are dated when they were "written", so response times are realistic, never negative
    answered = Conversation.objects.filter(brand=brand, first_response_at__isnull=False)
    assert answered.count() >= 5
    assert all(c.first_response_at >= c.first_customer_at for c in answered if c.first_customer_at)
    assert not ConversationEvent.objects.filter(conversation__brand=brand, created_at__gt=NOW).exists()


def test_seed_data_is_real_formats_with_german_saved_replies(brand, agent, manager):
    seed_demo(brand, now=NOW)
    mails = Message.objects.filter(channel__kind=ChannelKind.EMAIL)
    assert mails.filter(is_automated=True).count() == 1  # the out-of-office reply
    assert mails.filter(direction="out", author_user__isnull=True).count() == 1  # answered by mail
    facebook = Message.objects.filter(channel__name="Facebook-Seite (Export)")
    assert facebook.filter(author_handle="Jürgen Müller").exists()  # Meta's mojibake repaired
    dms = Conversation.objects.get(thread_key="dm:1480000000000000001-1500000000000000077")
    assert dms.message_count == 3
    for saved in SavedReply.objects.filter(brand=brand):
        check_placeholders(saved.body)
    assert SavedReply.objects.filter(brand=brand, body__contains="{name}").count() >= 5


def test_seed_twice_changes_nothing(brand, agent, manager, forum_post):
    seed_demo(brand, now=NOW)
    snapshot = (
        Message.objects.count(),
        Conversation.objects.count(),
        ConversationEvent.objects.count(),
        list(Conversation.objects.order_by("pk").values_list("status", "assignee_id", "first_response_at")),
        list(ResponseTarget.objects.order_by("priority").values_list("minutes", flat=True)),
    )
    again = seed_demo(brand, now=NOW + timedelta(days=2))
    assert set(again.values()) <= {0}
    assert snapshot == (
        Message.objects.count(),
        Conversation.objects.count(),
        ConversationEvent.objects.count(),
        list(Conversation.objects.order_by("pk").values_list("status", "assignee_id", "first_response_at")),
        list(ResponseTarget.objects.order_by("priority").values_list("minutes", flat=True)),
    )


def test_brand_without_demo_files_gets_only_its_community_and_team_tools(other_brand):
    manager = member_factory(other_brand, Role.MANAGER, username="gino")
    counts = seed_demo(other_brand, now=NOW)
    assert counts["channels"] == 0 and counts["saved_replies"] == 3
    assert not Channel.objects.filter(brand=other_brand).exclude(kind=ChannelKind.COMMUNITY).exists()
    assert manager.pk
