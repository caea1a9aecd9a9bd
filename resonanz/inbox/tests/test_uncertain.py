"""Uncertain labels in the inbox: the chip, the filter, the confidence beside each label, the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from resonanz.inbox.models import Conversation
from resonanz.inbox.tests.factories import conversation_factory

pytestmark = pytest.mark.django_db

SURE = {
    "sentiment": "negative",
    "sentiment_scores": {"negative": 0.87, "neutral": 0.1, "positive": 0.03},
    "confidence": {"sentiment": 0.87, "abuse": 0.95, "criticism": 0.8},
    "uncertain": [],
    "criticism": True,
    "abuse_confident": False,
    "model_version": "t-1",
}
UNSURE = {
    "sentiment": "uncertain",
    "sentiment_scores": {"negative": 0.41, "neutral": 0.38, "positive": 0.21},
    "confidence": {"sentiment": 0.41},
    "uncertain": ["sentiment"],
    "model_version": "t-1",
}
ABUSE_UNSURE = {**SURE, "uncertain": ["abuse"], "criticism": False}


def _list(client, brand, query=""):
    with translation.override("de"):
        return client.get(reverse("inbox:list", args=[brand.slug]) + query, HTTP_ACCEPT_LANGUAGE="de")


def test_ingestion_marks_conversations_whose_labels_abstained(brand):
    sure = conversation_factory(brand, n=1, labels=SURE)
    unsure = conversation_factory(brand, n=2, labels=UNSURE)
    head = conversation_factory(brand, n=3, labels=ABUSE_UNSURE)
    old = conversation_factory(brand, n=4, labels={"sentiment": "neutral"})  # stored before the contract
    flags = dict(Conversation.objects.values_list("pk", "is_uncertain"))
    assert flags == {sure.pk: False, unsure.pk: True, head.pk: True, old.pk: False}
    assert Conversation.objects.get(pk=unsure.pk).sentiment == "uncertain"
    assert Conversation.objects.get(pk=sure.pk).labels["confidence"]["sentiment"] == 0.87


def test_list_shows_unsicher_and_the_confidence_and_filters_by_it(client, brand, agent):
    conversation_factory(brand, n=1, text="Der Zug war pünktlich, oder?", labels=UNSURE)
    conversation_factory(brand, n=2, text="Schon wieder zu spät!", labels=SURE)
    conversation_factory(brand, n=3, text="Wie beleidigend ist das?", labels=ABUSE_UNSURE)
    client.force_login(agent)
    page = _list(client, brand).content.decode()
    assert "negativ · sicher 87 %" in page
    # the abuse-unsure one; the other says it in its sentiment
    assert page.count('data-testid="uncertain"') == 1
    leaning = "unsicher · eher negativ (41 %)"
    assert f'<span class="badge sentiment-uncertain" data-testid="sentiment">{leaning}</span>' in page
    only = _list(client, brand, "?flag=uncertain").content.decode()
    assert "pünktlich" in only and "beleidigend" in only and "Schon wieder" not in only
    by_sentiment = _list(client, brand, "?sentiment=uncertain").content.decode()
    assert "pünktlich" in by_sentiment and "beleidigend" not in by_sentiment


def test_labels_without_confidence_show_no_made_up_figure(client, brand, agent):
    conversation_factory(brand, n=1, text="Alter Beitrag", labels={"sentiment": "negative"})
    client.force_login(agent)
    page = _list(client, brand).content.decode()
    assert 'data-testid="sentiment">negativ</span>' in page and "· sicher" not in page


def test_conversation_page_names_the_heads_the_model_was_unsure_about(client, brand, agent):
    conversation = conversation_factory(brand, n=1, labels={**ABUSE_UNSURE, "abuse": True})
    client.force_login(agent)
    with translation.override("de"):
        page = client.get(
            reverse("inbox:conversation", args=[brand.slug, conversation.pk]), HTTP_ACCEPT_LANGUAGE="de"
        ).content.decode()
    assert "unsicher: Beleidigung" in page
    assert "Beleidigung · sicher 95 %" in page and "negativ · sicher 87 %" in page


def test_api_exposes_uncertain_and_confidence_and_filters(client, brand, agent):
    unsure = conversation_factory(brand, n=1, labels=UNSURE)
    conversation_factory(brand, n=2, labels=SURE)
    client.force_login(agent)
    url = f"/api/brands/{brand.slug}/inbox/conversations"
    rows = client.get(url, {"uncertain": "true"}).json()["items"]
    assert [r["id"] for r in rows] == [unsure.pk]
    assert rows[0]["uncertain"] is True and rows[0]["confidence"] == {"sentiment": 0.41}
    assert [r["id"] for r in client.get(url, {"sentiment": "uncertain"}).json()["items"]] == [unsure.pk]
    sure = client.get(url, {"uncertain": "false"}).json()["items"]
    assert len(sure) == 1 and sure[0]["confidence"]["sentiment"] == 0.87 and sure[0]["uncertain"] is False
