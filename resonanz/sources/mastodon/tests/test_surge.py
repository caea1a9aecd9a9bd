"""Mastodon against a fake server that behaves like the real API: at most 40 per page, newest first,
``min_id``/``since_id``/``max_id`` as documented. A surge of 500 mentions between two polls all arrives,
in order; image-only posts are kept; answers mention the author of the status answered."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from resonanz.inbox.models import Conversation, Message
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.services import reply_to_conversation
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.mastodon.parse import status_to_post
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.polling import poll_channel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEMPLATE = json.loads((FIXTURES / "notifications.json").read_text())[0]
PAGE_LIMIT = 40  # Mastodon's maximum for notifications
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def _mention(number: int, *, reply_to: int | None = None, acct: str = "kunde@example.social") -> dict:
    notification = copy.deepcopy(TEMPLATE)
    moment = (START + timedelta(seconds=number)).isoformat().replace("+00:00", "Z")
    notification.update(id=str(1000 + number), created_at=moment)
    status = notification["status"]
    status.update(
        id=str(5000 + number),
        uri=f"https://example.social/users/kunde/statuses/{5000 + number}",
        url=f"https://example.social/@kunde/{5000 + number}",
        created_at=moment,
        content=f"<p>@elbtal Meldung Nummer {number}</p>",
        in_reply_to_id=str(5000 + reply_to) if reply_to is not None else None,
    )
    status["account"] = dict(status["account"], acct=acct, username=acct.split("@")[0])
    return notification


class FakeMastodon:
    """Notifications as the real server pages them; every request is recorded."""

    def __init__(self) -> None:
        self.notifications: list[dict] = []
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append(args)
        limit = int(args.get("limit", 15))
        if limit > PAGE_LIMIT:
            limit = PAGE_LIMIT  # the server silently caps, as Mastodon does
        items = sorted(self.notifications, key=lambda n: int(n["id"]))
        if "max_id" in args:
            items = [n for n in items if int(n["id"]) < int(args["max_id"])]
        if "min_id" in args:
            # The page just after min_id: the oldest ones above it, returned newest first.
            page = [n for n in items if int(n["id"]) > int(args["min_id"])][:limit]
        else:
            if "since_id" in args:
                items = [n for n in items if int(n["id"]) > int(args["since_id"])]
            page = items[-limit:]
        return Response(json.dumps(page[::-1]), content_type="application/json")


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeMastodon:
    server = FakeMastodon()
    httpserver.expect_request("/api/v1/notifications").respond_with_handler(server)
    return server


@pytest.fixture
def channel(brand, httpserver: HTTPServer):
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.MASTODON,
        name="Mastodon",
        config={"instance_url": httpserver.url_for("/").rstrip("/"), "account": "elbtal"},
        credentials=encrypt_credentials({"access_token": "token-123"}),
    )


def test_a_surge_of_500_mentions_between_two_polls_all_arrives_in_order(channel, fake):
    fake.notifications = [_mention(n) for n in range(3)]
    assert poll_channel(channel).new == 3
    fake.notifications += [_mention(n) for n in range(3, 503)]
    outcome = poll_channel(channel)
    assert (outcome.new, outcome.error) == (500, "")
    assert all(int(args["limit"]) <= PAGE_LIMIT for args in fake.requests)
    assert len(fake.requests) == 1 + 13 + 1  # first poll; 500 / 40 pages; one empty page: caught up
    process_pending()
    texts = list(
        Message.objects.filter(channel=channel).order_by("created_at", "pk").values_list("text", flat=True)
    )
    assert texts == [f"@elbtal Meldung Nummer {n}" for n in range(503)]
    channel.refresh_from_db()
    assert channel.state["mentions_since"] == str(1000 + 502)
    assert poll_channel(channel).new == 0


def test_image_only_status_is_kept_with_a_placeholder_and_link():
    status = json.loads((FIXTURES / "status_image_only.json").read_text())
    post = status_to_post(status)
    assert post.text == (
        "@elbtal\n[Bild] https://files.example.social/media_attachments/files/022/345/792/original/"
        "57859aede991da25.jpeg"
    )
    status["content"] = ""
    assert status_to_post(status).text.startswith("[Bild] https://files.example.social/")


def test_answer_mentions_the_author_of_the_status_answered(
    channel, fake, httpserver, agent, django_capture_on_commit_callbacks
):
    fake.notifications = [_mention(1), _mention(2, reply_to=1, acct="anna@andere.social")]
    poll_channel(channel)
    process_pending()
    conversation = Conversation.objects.get()
    assert conversation.customer_handle == "kunde@example.social"
    posted: list[dict] = []

    def post(request: Request) -> Response:
        posted.append(request.form.to_dict() or json.loads(request.data))
        return Response(json.dumps({"id": "9001", "content": ""}), content_type="application/json")

    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_handler(post)
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_conversation(conversation, text="Danke für den Hinweis.", by=agent)
    assert posted[0]["in_reply_to_id"] == "5002"
    assert posted[0]["status"] == "@anna@andere.social Danke für den Hinweis."
