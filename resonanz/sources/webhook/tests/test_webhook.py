"""The signed webhook channel: good requests stage posts; bad signature, old timestamp, replay,
oversize and broken JSON are refused with a clear error and store nothing."""

from __future__ import annotations

import json
import time

import pytest

from resonanz.inbox.models import InboundItem, Message
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.webhook.signature import signed_headers

pytestmark = pytest.mark.django_db
SECRET = "whsec_test"


@pytest.fixture(autouse=True)
def _database_limit_store(settings):
    """The embedded mode's store: counters in the database, rolled back with each test."""
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "database"}


@pytest.fixture
def channel(brand):
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.WEBHOOK,
        name="Shop",
        config={"max_bytes": 2000},
        credentials=encrypt_credentials({"signing_secret": SECRET}),
    )


def _post(client, channel, body, *, secret=SECRET, now=None, headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = signed_headers(secret, raw, now=now)
    return client.post(
        f"/hooks/{channel.uuid}/", raw, content_type="application/json", headers={**sent, **(headers or {})}
    )


def test_signed_posts_are_staged_and_processed(client, channel, django_capture_on_commit_callbacks):
    body = {
        "posts": [
            {"id": "o-1", "text": "Paket kam nicht an", "author": "kim"},
            {"id": "o-2", "text": "Und jetzt?", "reply_to": "o-1", "author": "kim"},
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):  # the processing task starts after commit
        response = _post(client, channel, body)
    assert response.status_code == 202, response.content
    assert response.json() == {"received": 2, "new": 2, "duplicates": 0}
    assert Message.objects.filter(channel=channel).count() == 2


def test_same_post_in_a_new_request_is_a_duplicate(client, channel):
    _post(client, channel, {"id": "o-1", "text": "Hallo"})
    time.sleep(1.01)  # a new timestamp, so this is a new request, not a replay
    assert _post(client, channel, {"id": "o-1", "text": "Hallo"}).json()["duplicates"] == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"secret": "wrong"}, 401, "bad_signature"),
        ({"now": time.time() - 600}, 401, "bad_signature"),
        ({"body": b'{"id": "x", "text": '}, 422, "invalid"),
        ({"body": {"posts": [{"id": "a", "text": "ok"}, {"id": "", "text": "kein id"}]}}, 422, "invalid"),
        ({"body": {"id": "big", "text": "x" * 3000}}, 413, "too_large"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(client, channel, kwargs, status, code):
    body = kwargs.pop("body", {"id": "o-9", "text": "Hallo"})
    response = _post(client, channel, body, **kwargs)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not InboundItem.objects.exists()


def test_error_names_the_bad_item(client, channel):
    response = _post(client, channel, {"posts": [{"id": "a", "text": "ok"}, {"id": "b", "text": " "}]})
    assert response.json()["message"] == "posts[1]: empty text"


def test_replayed_request_is_refused(client, channel):
    raw = json.dumps({"id": "r-1", "text": "Hallo"}).encode()
    headers = signed_headers(SECRET, raw)
    first = client.post(f"/hooks/{channel.uuid}/", raw, content_type="application/json", headers=headers)
    again = client.post(f"/hooks/{channel.uuid}/", raw, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (202, 409)


def test_unknown_channel_is_404(client, channel):
    channel.enabled = False
    channel.save()
    assert _post(client, channel, {"id": "a", "text": "b"}).status_code == 404


def test_deeply_nested_json_is_refused_with_400_not_500(client, channel):
    channel.config["max_bytes"] = 1_000_000
    channel.save()
    raw = b"[" * 100_000 + b"]" * 100_000
    headers = signed_headers(SECRET, raw)
    response = client.post(f"/hooks/{channel.uuid}/", raw, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"
    assert "line 1, column 33: JSON nested deeper than 32 levels" in response.json()["message"]
    assert not InboundItem.objects.exists()


def test_webhook_senders_are_limited_per_address(client, channel, settings):
    settings.RESONANZ = {
        **settings.RESONANZ,
        "RATE_LIMITS": {**settings.RESONANZ["RATE_LIMITS"], "webhook": (2, 60)},
    }
    statuses = [
        _post(client, channel, {"id": f"w{i}", "text": "Hallo", "author": "anna"}).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]
    other = client.post(
        f"/hooks/{channel.uuid}/", b"{}", content_type="application/json", REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 401  # another sender has its own bucket (and no signature here)
