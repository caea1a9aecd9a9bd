"""Moderators' and managers' pages: permissions, the act form's refusals, four eyes, stale forms."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from resonanz.community.models import Visibility
from resonanz.moderation import selectors, services
from resonanz.moderation.models import HouseRuleVersion, ModerationDecision
from resonanz.moderation.tests.factories import post_with_labels, rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def staff_url(name, brand, *args):
    return reverse(f"moderation_staff:{name}", args=[brand.slug, *args])


def act(client, post, **data):
    data.setdefault("expected_state", selectors.state_token(post))
    return client.post(staff_url("post", post.brand, post.pk), data)


def test_queue_needs_a_moderator(client, brand, member, rules):
    assert client.get(staff_url("queue", brand)).status_code == 302  # to the login
    client.force_login(member)
    assert client.get(staff_url("queue", brand)).status_code == 403


def test_queue_shows_flags_oldest_first_with_labels(client, brand, moderator, member, rules):
    first = post_with_labels(brand, body="Erster Beitrag", abuse=0.95)
    services.screen_post(first)
    second = post_with_labels(brand, body="Zweiter Beitrag", criticism=True)
    services.report_post(second, reason="other", note="", by=member)
    client.force_login(moderator)
    html = client.get(staff_url("queue", brand)).content.decode()
    assert html.index(f"queue-{first.pk}") < html.index(f"queue-{second.pk}")
    assert "hidden automatically" in html and "criticism" in html


def test_queue_lists_abuse_flagged_on_other_channels_with_a_link_into_the_inbox(
    client, brand, moderator, rules
):
    from resonanz.inbox.tests.factories import conversation_factory

    flagged = conversation_factory(
        brand, text="Ihr seid alle Idioten!", labels={"abuse": True, "abuse_score": 0.97}
    )
    calm = conversation_factory(brand, n=2, text="Wann fährt der erste Zug?", labels={"abuse": False})
    assert flagged.needs_moderation and not calm.needs_moderation
    client.force_login(moderator)
    html = client.get(staff_url("queue", brand)).content.decode()
    assert "From other channels (inbox)" in html
    assert reverse("inbox:conversation", args=[brand.slug, flagged.pk]) in html
    assert reverse("inbox:conversation", args=[brand.slug, calm.pk]) not in html


def test_act_form_refuses_without_rule_and_explanation(client, abusive_post, moderator):
    client.force_login(moderator)
    response = act(client, abusive_post, action="hide", explanation="")
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["rules"]
    response = act(client, abusive_post, action="hide", rules=[rule(abusive_post.brand).pk], explanation="")
    assert response.context["form"].errors["explanation"]
    abusive_post.refresh_from_db()
    assert abusive_post.visibility == Visibility.VISIBLE


def test_act_form_hides_the_post(client, abusive_post, moderator):
    client.force_login(moderator)
    response = act(
        client, abusive_post, action="hide", rules=[rule(abusive_post.brand).pk], explanation="Beleidigung."
    )
    assert response.status_code == 302
    abusive_post.refresh_from_db()
    assert abusive_post.visibility == Visibility.HIDDEN


def test_stale_form_names_the_other_moderators_action(client, abusive_post, moderator, moderator2):
    seen = selectors.state_token(abusive_post)
    services.hide_post(
        abusive_post, by=moderator2, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    client.force_login(moderator)
    response = act(client, abusive_post, action="remove", rules=[rule(abusive_post.brand).pk],
                   explanation="Beleidigung.", expected_state=seen)  # fmt: skip
    assert response.status_code == 422
    assert "moritz acted: Hide" in response.content.decode()
    assert ModerationDecision.objects.count() == 1


def test_four_eyes_through_the_pages(client, critical_post, moderator, moderator2):
    client.force_login(moderator)
    act(
        client,
        critical_post,
        action="remove",
        rules=[rule(critical_post.brand).pk],
        explanation="Off-Topic laut Regel.",
    )
    decision = ModerationDecision.objects.get()
    assert decision.status == "pending_approval"
    page = client.get(staff_url("post", critical_post.brand, critical_post.pk)).content.decode()
    assert "Waiting for a second moderator" in page and "Withdraw" in page
    response = client.post(staff_url("approve", critical_post.brand, decision.puid), follow=True)
    assert "second moderator" in response.content.decode()
    client.force_login(moderator2)
    assert client.get(staff_url("approvals", critical_post.brand)).context["pending"].count() == 1
    client.post(staff_url("approve", critical_post.brand, decision.puid))
    critical_post.refresh_from_db()
    assert critical_post.visibility == Visibility.REMOVED


def test_appeal_page_refuses_the_deciding_moderator(client, abusive_post, moderator, moderator2):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    appeal = services.open_appeal(decision, by=abusive_post.author, text="Das war keine Beleidigung.")
    client.force_login(moderator)
    response = client.post(
        staff_url("appeal", abusive_post.brand, appeal.pk),
        {"outcome": "reversed", "reason": "Ich war zu streng."},
    )
    assert response.status_code == 422 and "Another moderator must decide" in response.content.decode()
    client.force_login(moderator2)
    response = client.post(
        staff_url("appeal", abusive_post.brand, appeal.pk),
        {"outcome": "reversed", "reason": "Im Kontext Ironie."},
    )
    assert response.status_code == 302
    abusive_post.refresh_from_db()
    assert abusive_post.visibility == Visibility.VISIBLE


def test_manager_publishes_a_new_rules_version(client, brand, manager, moderator, rules):
    client.force_login(moderator)
    assert client.get(staff_url("rules", brand)).status_code == 403
    client.force_login(manager)
    page = client.get(staff_url("rules", brand))
    assert "Respektvoller Umgang" in page.context["form"].initial["rules"]
    text = (
        "Respekt\nKeine Beleidigungen.\n---\nKeine Werbung\nKein Spam.\n---\nThemenbezug\nBleib beim Thema."
    )
    response = client.post(staff_url("rules", brand), {"rules": text, "change_note": "Regel 3 neu"})
    assert response.status_code == 302
    current = HouseRuleVersion.objects.get(brand=brand, number=2)
    assert [r.title for r in current.rules.all()] == ["Respekt", "Keine Werbung", "Themenbezug"]


def test_manager_switches_the_freeze(client, brand, manager):
    client.force_login(manager)
    response = client.post(staff_url("settings", brand), {"freeze": "1", "on": "on", "reason": ""})
    assert response.status_code == 200 and response.context["freeze_form"].errors
    client.post(staff_url("settings", brand), {"freeze": "1", "on": "on", "reason": "Shitstorm"})
    assert services.settings_for(brand).deletion_freeze
    data = {
        "settings": "1",
        "auto_hide_threshold": "0.8",
        "auto_hide_rule_number": "1",
        "appeal_window_days": "200",
        "approver_min_role_days": "14",
    }
    client.post(staff_url("settings", brand), data)
    assert services.settings_for(brand).auto_hide_threshold == 0.8
    assert services.settings_for(brand).approver_min_role_days == 14


def test_transparency_page_and_downloads(client, abusive_post, manager, moderator):
    services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    client.force_login(moderator)
    assert client.get(staff_url("transparency", abusive_post.brand)).status_code == 403
    client.force_login(manager)
    page = client.get(staff_url("transparency", abusive_post.brand))
    assert page.status_code == 200 and page.context["report"]["decisions"] == 1
    period = page.context["period"].label
    csv_response = client.get(
        staff_url("transparency_download", abusive_post.brand, "csv"), {"period": period}
    )
    assert (
        csv_response["Content-Type"].startswith("text/csv")
        and "by_action,hide,1" in csv_response.content.decode()
    )
    dsa = json.loads(
        client.get(staff_url("transparency_download", abusive_post.brand, "dsa"), {"period": period}).content
    )
    assert len(dsa[0]["statements"]) == 1
    assert (
        client.get(staff_url("transparency", abusive_post.brand), {"period": "letzte Woche"}).status_code
        == 422
    )
    assert client.get(staff_url("transparency_download", abusive_post.brand, "xml")).status_code == 404
