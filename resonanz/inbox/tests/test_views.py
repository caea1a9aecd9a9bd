"""Inbox pages: who sees what, filters, and the actions on a conversation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from resonanz.inbox.models import Conversation, ConversationEvent, Message, Note, SavedReply, Status
from resonanz.inbox.tests.factories import conversation_factory

pytestmark = pytest.mark.django_db


def _url(name, brand, *args):
    return reverse(f"inbox:{name}", args=[brand.slug, *args])


@pytest.mark.parametrize("role", ["member", "anonymous"])
def test_members_and_visitors_see_nothing(client, brand, member, role):
    conversation = conversation_factory(brand)
    if role == "member":
        client.force_login(member)
    for url in (_url("list", brand), _url("conversation", brand, conversation.pk)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert conversation.excerpt.encode() not in response.content


def test_other_brands_conversations_are_not_found(client, brand, other_brand, agent):
    foreign = conversation_factory(other_brand, text="Geheimnis der anderen Marke")
    client.force_login(agent)
    assert client.get(_url("conversation", brand, foreign.pk)).status_code == 404
    assert b"Geheimnis" not in client.get(_url("list", brand) + "?status=all").content
    assert client.post(_url("status", brand, foreign.pk), {"status": "closed"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.NEW


def test_agent_sees_the_list_with_filters(client, brand, agent, django_assert_max_num_queries):
    conversation_factory(
        brand, n=1, text="Der Zug ist zu spät!", labels={"sentiment": "negative", "type": "complaint"}
    )
    conversation_factory(
        brand, n=2, text="Danke für den tollen Service", labels={"sentiment": "positive", "type": "praise"}
    )
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        page = client.get(_url("list", brand))
    assert b"Der Zug ist zu sp" in page.content and b"Danke" in page.content
    negative = client.get(_url("list", brand) + "?sentiment=negative")
    assert b"Der Zug" in negative.content and b"Danke" not in negative.content
    found = client.get(_url("list", brand) + "?q=Service")
    assert b"Danke" in found.content and b"Der Zug" not in found.content


def test_list_fragment_for_live_updates(client, brand, agent):
    conversation_factory(brand)
    client.force_login(agent)
    response = client.get(_url("list", brand), headers={"HX-Request": "true", "HX-Target": "inbox-rows"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'hx-trigger="every 15s' in response.content


def test_assign_status_note_and_reply(client, brand, agent):
    conversation = conversation_factory(brand)
    client.force_login(agent)
    page = client.get(_url("conversation", brand, conversation.pk))
    assert page.status_code == 200 and b"Wann f" in page.content
    client.post(_url("assign", brand, conversation.pk), {"to": "me"})
    client.post(_url("note", brand, conversation.pk), {"text": "Kunde ist Stammgast"})
    client.post(_url("reply", brand, conversation.pk), {"text": "Um 5:12 Uhr."})
    conversation.refresh_from_db()
    assert conversation.assignee == agent
    assert conversation.status == Status.ANSWERED
    assert conversation.first_response_at is not None
    assert Note.objects.get().text == "Kunde ist Stammgast"
    out = Message.objects.get(direction="out")
    assert out.author_user == agent and not hasattr(out, "delivery")  # an import channel cannot send
    client.post(_url("status", brand, conversation.pk), {"status": "closed"})
    conversation.refresh_from_db()
    assert conversation.status == Status.CLOSED
    kinds = set(conversation.events.values_list("kind", flat=True))
    assert {"created", "assigned", "answered", "status_changed", "note"} <= kinds


def test_empty_reply_shows_the_error(client, brand, agent):
    conversation = conversation_factory(brand)
    client.force_login(agent)
    response = client.post(_url("reply", brand, conversation.pk), {"text": "  "})
    assert response.status_code == 422
    assert not Message.objects.filter(direction="out").exists()


def test_saved_reply_is_filled_in(client, brand, agent):
    conversation = conversation_factory(brand)
    saved = SavedReply.objects.create(
        brand=brand, title="Dank", body="Hallo {name}, danke! {agent} von {brand}"
    )
    client.force_login(agent)
    response = client.get(
        _url("saved_reply_text", brand, conversation.pk, saved.pk), headers={"HX-Request": "true"}
    )
    assert "Hallo Kunde 1, danke! alex von Elbtal Bahn" in response.content.decode()


def test_collision_warning_names_the_other_agent(client, brand, agent, moderator):
    conversation = conversation_factory(brand)
    client.force_login(moderator)
    client.post(_url("presence", brand, conversation.pk), {"mode": "replying"})
    client.force_login(agent)
    response = client.post(_url("presence", brand, conversation.pk), {"mode": "viewing"})
    with translation.override(response["Content-Language"]):
        expected = translation.gettext("%(name)s is also replying to this conversation.") % {"name": "mo"}
    assert expected in response.content.decode()


def test_settings_pages_by_role(client, brand, agent, manager, brand_admin):
    client.force_login(agent)
    assert client.get(_url("saved_replies", brand)).status_code == 403
    assert client.get(_url("channels", brand)).status_code == 403
    client.force_login(manager)
    assert client.get(_url("targets", brand)).status_code == 200
    client.post(_url("saved_replies", brand), {"title": "Gruß", "body": "Hallo {kunde}"})
    assert not SavedReply.objects.exists()
    assert client.get(_url("channels", brand)).status_code == 403
    client.force_login(brand_admin)
    assert client.get(_url("channels", brand)).status_code == 200


def test_channel_secrets_are_never_shown_again(client, brand, brand_admin):
    client.force_login(brand_admin)
    response = client.post(
        _url("channel_new", brand) + "?kind=webhook",
        {"kind": "webhook", "name": "Shop", "enabled": "on", "secret_signing_secret": "topsecret-123"},
    )
    assert response.status_code == 302
    from resonanz.sources.models import Channel

    channel = Channel.objects.get(name="Shop")
    assert "topsecret" not in channel.credentials
    page = client.get(_url("channel_edit", brand, channel.pk))
    assert b"topsecret" not in page.content
    client.post(
        _url("channel_edit", brand, channel.pk), {"kind": "webhook", "name": "Shop 2", "enabled": "on"}
    )
    from resonanz.sources.services import channel_secrets

    channel.refresh_from_db()
    assert channel.name == "Shop 2" and channel_secrets(channel) == {"signing_secret": "topsecret-123"}


def test_events_log_reopening(client, brand, agent):
    conversation = conversation_factory(brand)
    client.force_login(agent)
    client.post(_url("status", brand, conversation.pk), {"status": "closed"})
    client.post(_url("status", brand, conversation.pk), {"status": "open"})
    assert Conversation.objects.get().events.filter(kind=ConversationEvent.Kind.REOPENED).count() == 1


def test_explanation_is_loaded_on_demand(client, brand, agent):
    conversation = conversation_factory(
        brand, text="Der Zug ist schon wieder zu spät, unmöglich!", labels={"sentiment": "negative"}
    )
    message = conversation.messages.get()
    client.force_login(agent)
    page = client.get(_url("conversation", brand, conversation.pk))
    assert _url("explanation", brand, conversation.pk, message.pk).encode() in page.content
    fragment = client.get(
        _url("explanation", brand, conversation.pk, message.pk), headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert b"explanation" in fragment.content or b"No explanation" in fragment.content


def test_conversation_page_shows_the_thread_once_and_no_stray_flash(client, brand, agent):
    conversation = conversation_factory(brand, text="Wo bleibt der Zug?", labels={"type": "question"})
    client.force_login(agent)
    page = client.get(_url("conversation", brand, conversation.pk)).content.decode()
    assert page.count('<div class="text">Wo bleibt der Zug?</div>') == 1
    assert "in ext-1" not in page  # messages are not rendered as flash messages


def test_abuse_is_routed_to_moderation_and_a_moderator_clears_it(client, brand, agent, moderator):
    conversation = conversation_factory(brand, text="Ihr Idioten!", labels={"abuse": True, "type": "other"})
    assert conversation.needs_moderation
    flagged = _url("list", brand) + "?flag=abuse&status=all"
    client.force_login(agent)
    assert b"Ihr Idioten" in client.get(flagged).content
    page = client.get(_url("conversation", brand, conversation.pk)).content
    assert b'data-testid="moderation"' in page
    assert _url("moderation_checked", brand, conversation.pk).encode() not in page  # agents cannot clear
    assert client.post(_url("moderation_checked", brand, conversation.pk)).status_code == 403
    client.force_login(moderator)
    client.post(_url("moderation_checked", brand, conversation.pk))
    conversation.refresh_from_db()
    assert not conversation.needs_moderation
    assert conversation.events.filter(kind=ConversationEvent.Kind.MODERATED, actor=moderator).exists()
    assert b"Ihr Idioten" not in client.get(flagged).content


def test_community_abuse_links_into_the_moderation_queue(client, brand, moderator, member):
    from resonanz.community.tests.factories import thread_factory
    from resonanz.sources.community import ingest_post

    thread = thread_factory(brand, body="Ihr seid alle unfähig, Idioten!", author=member)
    message = ingest_post(thread.posts.get(), labels={"abuse": True, "sentiment": "negative"})
    client.force_login(moderator)
    page = client.get(_url("conversation", brand, message.conversation_id)).content.decode()
    assert reverse("moderation_staff:post", args=[brand.slug, thread.posts.get().pk]) in page
    assert f"/b/{brand.slug}/forum/p/{thread.posts.get(is_opening=True).pk}/" in page  # the "original" link


def test_failed_answer_shows_a_retry_button_that_queues_it_again(
    client, brand, agent, other_brand, django_capture_on_commit_callbacks
):
    from resonanz.inbox.models import DeliveryStatus, OutgoingReply
    from resonanz.inbox.services import reply_to_conversation
    from resonanz.inbox.tests.factories import channel_factory
    from resonanz.sources.crypto import encrypt_credentials

    channel = channel_factory(
        brand, kind="mastodon", name="Masto", config={"instance_url": "http://127.0.0.1:9"},
        credentials=encrypt_credentials({"access_token": "t"}),
    )  # fmt: skip
    conversation = conversation_factory(brand, channel=channel)
    message = reply_to_conversation(conversation, text="Danke!", by=agent)
    OutgoingReply.objects.filter(message=message).update(status=DeliveryStatus.FAILED, last_error="refused")
    client.force_login(agent)
    page = client.get(_url("conversation", brand, conversation.pk)).content.decode()
    reply = OutgoingReply.objects.get(message=message)
    retry = _url("retry", brand, conversation.pk, reply.pk)
    assert retry in page and "refused" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(retry)
    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (DeliveryStatus.QUEUED, 0) and len(callbacks) == 1
    assert client.post(_url("retry", brand, conversation.pk, 999_999)).status_code == 404


def test_answer_on_a_switched_off_channel_is_recorded_not_sent(client, brand, agent):
    from resonanz.inbox.models import OutgoingReply
    from resonanz.inbox.tests.factories import channel_factory

    channel = channel_factory(brand, kind="mastodon", name="Aus", enabled=False)
    conversation = conversation_factory(brand, channel=channel)
    client.force_login(agent)
    assert b'data-testid="cannot-send"' in client.get(_url("conversation", brand, conversation.pk)).content
    client.post(_url("reply", brand, conversation.pk), {"text": "Antwort"})
    assert not OutgoingReply.objects.exists()
    conversation.refresh_from_db()
    assert conversation.status == Status.ANSWERED


def test_long_lists_page_without_counting_everything(client, brand, agent, monkeypatch):
    from resonanz.inbox import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    for n in range(1, 6):
        conversation_factory(brand, n=n, text=f"Frage Nummer {n}")
    monkeypatch.setattr("resonanz.inbox.views.conversations.PER_PAGE", 2)
    client.force_login(agent)
    first = client.get(_url("list", brand)).content.decode()
    assert "Frage Nummer 5" in first and "Frage Nummer 3" not in first
    assert 'rel="next"' in first and 'data-testid="count"' in first
    last = client.get(_url("list", brand) + "?page=3").content.decode()
    assert "Frage Nummer 1" in last and 'rel="next"' not in last and 'rel="prev"' in last
    assert client.get(_url("list", brand) + "?page=99").status_code == 200  # past the end: first page


def test_reopening_by_hand_gets_a_due_time(client, brand, agent):
    conversation = conversation_factory(brand)
    client.force_login(agent)
    client.post(_url("status", brand, conversation.pk), {"status": "closed"})
    client.post(_url("status", brand, conversation.pk), {"status": "open"})
    conversation.refresh_from_db()
    assert conversation.due_at is not None and conversation.due_at > conversation.first_customer_at
