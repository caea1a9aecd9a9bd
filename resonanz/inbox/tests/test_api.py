"""The inbox API: list/filter/read, reply, assign, status, notes; permissions and brand isolation."""

from __future__ import annotations

import pytest

from resonanz.accounts.services import create_api_token
from resonanz.inbox.models import Status
from resonanz.inbox.tests.factories import conversation_factory

pytestmark = pytest.mark.django_db
BASE = "/api/brands/{}/inbox"


def _auth(user):
    _token, plain = create_api_token(user, name="test")
    return {"Authorization": f"Bearer {plain}"}


def test_agent_lists_filters_and_reads(client, brand, agent):
    conversation_factory(brand, n=1, labels={"sentiment": "negative", "type": "complaint"})
    conversation_factory(brand, n=2, labels={"sentiment": "positive", "type": "praise"})
    headers = _auth(agent)
    listed = client.get(BASE.format(brand.slug) + "/conversations?sentiment=negative", headers=headers).json()
    assert listed["count"] == 1 and listed["items"][0]["type"] == "complaint"
    by_priority = client.get(BASE.format(brand.slug) + "/conversations?sort=priority", headers=headers).json()
    assert [c["priority"] for c in by_priority["items"]] == [3, 1]
    detail = client.get(
        BASE.format(brand.slug) + f"/conversations/{listed['items'][0]['id']}", headers=headers
    )
    assert detail.status_code == 200
    assert detail.json()["messages"][0]["direction"] == "in"


def test_agent_replies_assigns_and_changes_status(client, brand, agent):
    conversation = conversation_factory(brand)
    headers = _auth(agent)
    url = BASE.format(brand.slug) + f"/conversations/{conversation.pk}"
    assert (
        client.post(
            url + "/assign", {"assignee": "alex"}, content_type="application/json", headers=headers
        ).json()["assignee"]
        == "alex"
    )
    sent = client.post(url + "/reply", {"text": "Gern!"}, content_type="application/json", headers=headers)
    assert sent.status_code == 201 and sent.json()["direction"] == "out"
    note = client.post(url + "/notes", {"text": "intern"}, content_type="application/json", headers=headers)
    assert note.status_code == 201
    closed = client.post(
        url + "/status", {"status": "closed"}, content_type="application/json", headers=headers
    )
    assert closed.json()["status"] == Status.CLOSED


def test_members_get_403_and_other_brands_404(client, brand, other_brand, member, agent):
    own = conversation_factory(brand)
    foreign = conversation_factory(other_brand)
    assert client.get(BASE.format(brand.slug) + "/conversations", headers=_auth(member)).status_code == 403
    headers = _auth(agent)
    assert (
        client.get(BASE.format(brand.slug) + f"/conversations/{foreign.pk}", headers=headers).status_code
        == 404
    )
    assert client.get(BASE.format(other_brand.slug) + "/conversations", headers=headers).status_code == 403
    assert client.get(BASE.format(brand.slug) + f"/conversations/{own.pk}").status_code == 401


def test_admin_creates_webhook_endpoint_and_sees_secret_once(client, brand, brand_admin, agent):
    headers = _auth(brand_admin)
    created = client.post(
        BASE.format(brand.slug) + "/webhooks",
        {"url": "https://example.org/hook", "events": ["conversation.created"]},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    listed = client.get(BASE.format(brand.slug) + "/webhooks", headers=headers).json()
    assert "secret" not in listed[0]
    assert client.get(BASE.format(brand.slug) + "/webhooks", headers=_auth(agent)).status_code == 403
