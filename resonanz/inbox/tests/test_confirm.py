"""The confirm-first queue: least sure first, one click confirms or corrects, and it feeds corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from resonanz.classify.models import LabelCorrection
from resonanz.classify.selectors import list_corrections
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.inbox import confirm
from resonanz.inbox.models import Message
from resonanz.inbox.tests.factories import conversation_factory

pytestmark = pytest.mark.django_db


def _labels(sentiment: str, negative: float, neutral: float, positive: float, **extra):
    return {
        "sentiment": sentiment,
        "sentiment_scores": {"negative": negative, "neutral": neutral, "positive": positive},
        "model_version": "t-1",
        **extra,
    }


@pytest.fixture
def posts(brand):
    """Four recent posts: sure, coin toss, abstained, fairly sure (texts name them)."""
    now = timezone.now()
    made = {}
    for n, (name, labels) in enumerate(
        [
            ("sicher", _labels("negative", 0.9, 0.08, 0.02)),
            ("knapp", _labels("neutral", 0.35, 0.4, 0.25)),
            ("enthalten", _labels("uncertain", 0.4, 0.45, 0.15, uncertain=["sentiment"])),
            ("ziemlich", _labels("positive", 0.1, 0.2, 0.7)),
        ],
        start=1,
    ):
        conversation = conversation_factory(
            brand, n=n, text=f"Beitrag {name}", labels=labels, created_at=now - timedelta(hours=n)
        )
        made[name] = conversation.messages.get()
    return made


def test_queue_lists_abstained_first_then_smallest_margin(brand, agent, posts):
    items = confirm.list_confirm_queue(brand, viewer=agent)
    assert [i.message.text for i in items] == [
        "Beitrag enthalten", "Beitrag knapp", "Beitrag ziemlich", "Beitrag sicher",
    ]  # fmt: skip
    assert items[1].margin == pytest.approx(0.05) and items[0].uncertain == ["sentiment"]


def test_old_posts_and_answered_posts_leave_the_queue(brand, agent, posts):
    conversation_factory(
        brand, n=9, text="Beitrag alt", labels=_labels("neutral", 0.3, 0.4, 0.3),
        created_at=timezone.now() - timedelta(days=confirm.RECENT_DAYS + 1),
    )  # fmt: skip
    confirm.confirm_label(brand, posts["knapp"], by=agent, label="negative")
    texts = [i.message.text for i in confirm.list_confirm_queue(brand, viewer=agent)]
    assert "Beitrag alt" not in texts and "Beitrag knapp" not in texts and len(texts) == 3


def test_confirming_and_correcting_become_corrections_for_training(brand, agent, posts):
    corrected = confirm.confirm_label(brand, posts["knapp"], by=agent, label="negative")
    confirmed = confirm.confirm_label(brand, posts["sicher"], by=agent, label="negative")
    assert (corrected.task, corrected.label, corrected.previous_label) == ("sentiment", "negative", "neutral")
    assert corrected.text == "Beitrag knapp" and corrected.model_version == "t-1"
    assert corrected.corrected_by == agent and corrected.source_ref == f"inbox-message:{posts['knapp'].pk}"
    assert confirmed.label == confirmed.previous_label == "negative"
    # what `resonanz train --brand` reads
    assert [(c.text, c.label) for c in list_corrections(brand=brand)] == [
        ("Beitrag knapp", "negative"), ("Beitrag sicher", "negative"),
    ]  # fmt: skip


def test_answering_twice_changes_the_answer_not_the_count(brand, agent, posts):
    confirm.confirm_label(brand, posts["knapp"], by=agent, label="negative")
    again = confirm.confirm_label(brand, posts["knapp"], by=agent, label="positive")
    assert LabelCorrection.objects.count() == 1 and again.label == "positive"


def test_bad_label_and_outsiders_change_nothing(brand, other_brand, member, agent, posts):
    with pytest.raises(InvalidInput):
        confirm.confirm_label(brand, posts["knapp"], by=agent, label="uncertain")
    with pytest.raises(NotAllowed):
        confirm.confirm_label(brand, posts["knapp"], by=member, label="negative")
    with pytest.raises(NotAllowed):
        confirm.list_confirm_queue(brand, viewer=member)
    assert not LabelCorrection.objects.exists()


def test_page_and_one_click_htmx_answer(client, brand, agent, posts):
    client.force_login(agent)
    page = client.get(reverse("inbox:confirm_queue", args=[brand.slug])).content.decode()
    assert page.index("Beitrag enthalten") < page.index("Beitrag knapp") < page.index("Beitrag sicher")
    assert "neutral (bestätigen)" in page
    url = reverse("inbox:confirm_answer", args=[brand.slug, posts["knapp"].pk])
    response = client.post(url, {"label": "negative"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'data-testid="confirmed"' in response.content.decode()
    assert "Korrigiert zu negativ (das Modell sagte neutral)" in response.content.decode()
    assert LabelCorrection.objects.get().label == "negative"
    plain_url = reverse("inbox:confirm_answer", args=[brand.slug, posts["sicher"].pk])
    plain = client.post(plain_url, {"label": "negative"})
    assert plain.status_code == 302 and LabelCorrection.objects.count() == 2


def test_other_brands_posts_are_not_found(client, brand, other_brand, agent, posts):
    foreign = conversation_factory(other_brand, n=1, text="fremd", labels=_labels("neutral", 0.3, 0.4, 0.3))
    message = foreign.messages.get()
    client.force_login(agent)
    url = reverse("inbox:confirm_answer", args=[brand.slug, message.pk])
    response = client.post(url, {"label": "negative"})
    assert response.status_code == 404 and not LabelCorrection.objects.exists()
    assert b"fremd" not in client.get(reverse("inbox:confirm_queue", args=[brand.slug])).content


def test_api_lists_and_answers(client, brand, agent, posts):
    client.force_login(agent)
    base = f"/api/brands/{brand.slug}/inbox/confirm-queue"
    items = client.get(base, {"limit": 2}).json()
    assert [i["text"] for i in items] == ["Beitrag enthalten", "Beitrag knapp"]
    assert items[1]["margin"] == pytest.approx(0.05) and items[1]["scores"]["neutral"] == 0.4
    created = client.post(
        f"{base}/{posts['knapp'].pk}", {"label": "neutral"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["agreed"] is True
    bad = client.post(f"{base}/{posts['knapp'].pk}", {"label": "maybe"}, content_type="application/json")
    assert bad.status_code == 422 and LabelCorrection.objects.count() == 1
    assert Message.objects.filter(pk=posts["knapp"].pk).exists()


def test_where_the_model_is_unsure_about_abuse_the_queue_asks_that_too(client, brand, agent, posts):
    unsure = conversation_factory(
        brand, n=7, text="Beitrag grenzwertig",
        labels=_labels("negative", 0.9, 0.05, 0.05, abuse=False, uncertain=["abuse"]),
        created_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    message = unsure.messages.get()
    items = confirm.list_confirm_queue(brand, viewer=agent)
    # abstained on sentiment first, then on another head, then by margin
    assert [i.message.text for i in items][:2] == ["Beitrag enthalten", "Beitrag grenzwertig"]
    client.force_login(agent)
    page = client.get(reverse("inbox:confirm_queue", args=[brand.slug])).content.decode()
    assert page.count('data-testid="abuse-question"') == 1
    url = reverse("inbox:confirm_answer", args=[brand.slug, message.pk])
    answer = client.post(url, {"task": "abuse", "label": "abusive"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "<li" not in answer.content.decode()  # swaps only the question
    found = LabelCorrection.objects.get()
    assert (found.task, found.label, found.previous_label) == ("abuse", "abusive", "not_abusive")
    confirm.confirm_label(brand, message, by=agent, label="negative")  # the sentiment: a second answer
    assert LabelCorrection.objects.count() == 2
    assert "Beitrag grenzwertig" not in [
        i.message.text for i in confirm.list_confirm_queue(brand, viewer=agent)
    ]
    with pytest.raises(InvalidInput):
        confirm.confirm_label(brand, message, by=agent, label="negative", task="abuse")
    api = client.post(
        f"/api/brands/{brand.slug}/inbox/confirm-queue/{message.pk}",
        {"task": "abuse", "label": "not_abusive"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["task"] == "abuse" and api.json()["agreed"] is True


def test_the_conversation_page_confirms_with_one_click_under_each_message(client, brand, agent, posts):
    message = posts["knapp"]
    client.force_login(agent)
    page = client.get(reverse("inbox:conversation", args=[brand.slug, message.conversation_id]))
    assert 'data-testid="confirm-sentiment"' in page.content.decode()
    url = reverse("inbox:confirm_answer", args=[brand.slug, message.pk])
    swapped = client.post(url, {"label": "neutral", "inline": "1"}, headers={"HX-Request": "true"})
    assert "<li" not in swapped.content.decode() and "Bestätigt: neutral." in swapped.content.decode()
    plain = client.post(url, {"label": "negative", "inline": "1"})
    assert plain.status_code == 302 and plain["Location"].endswith(f"/c/{message.conversation_id}/")
    assert LabelCorrection.objects.get().label == "negative"  # the second click changed the answer
