"""The personal data export holds every record about the person, and no model can fall out of it."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse

from resonanz.accounts.models import Role
from resonanz.community.privacy import export_user_data
from resonanz.inbox.models import Direction, Message
from resonanz.inbox.tests.factories import channel_factory, conversation_factory
from resonanz.moderation import services
from resonanz.moderation.models import Notice
from resonanz.moderation.tests.factories import post_with_labels, rule
from resonanz.privacy.export import HANDLE_FIELDS, NOT_EXPORTED, SOURCES, export_person
from resonanz.sources.models import ChannelKind

pytestmark = pytest.mark.django_db


def user_relations() -> dict[str, set[str]]:
    """Every model → its fields that point at the user model: foreign keys, one-to-ones and many-to-many
    fields (whose auto-created link tables the walk sees too, and files under the owning model)."""
    user_model = get_user_model()
    found: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created
        for f in model._meta.get_fields():
            if f.related_model is not user_model or not (f.many_to_one or f.one_to_one or f.many_to_many):
                continue
            if f.auto_created and not f.concrete:
                continue  # a reverse relation: the user's side of another model's key
            if owner:  # a link table: the person is reached through the owner's many-to-many field
                m2m = next(m for m in owner._meta.many_to_many if m.remote_field.through is model)
                found.setdefault(owner._meta.label, set()).add(m2m.name)
            else:
                found.setdefault(model._meta.label, set()).add(f.name)
    return found


def test_every_model_pointing_at_a_person_is_exported_or_excused():
    relations = user_relations()
    assert "moderation.Report" in relations and "inbox.Message" in relations  # the walk sees the apps
    for label, fields in relations.items():
        if label in NOT_EXPORTED:
            assert NOT_EXPORTED[label].strip(), f"{label} is excused without a reason"
            continue
        assert label in SOURCES, f"{label} points at the user but is not in the export (privacy/export.py)"
        missing = fields - set(SOURCES[label])
        assert not missing, f"{label}.{missing} point at the user but the export does not look at them"


def test_allow_list_and_sources_name_real_models_and_fields():
    relations = user_relations()
    for label in NOT_EXPORTED:
        assert label in relations, f"{label} on the allow-list no longer points at the user"
    for label, fields in SOURCES.items():
        assert set(fields) <= relations[label]
    for label, fields in HANDLE_FIELDS.items():
        model = apps.get_model(label)
        for name in fields:
            assert isinstance(model._meta.get_field(name), models.CharField)


@pytest.fixture
def history(brand, member, moderator, brand_admin, rules):
    """A member who posted, reported, was moderated, appealed, got a role and wrote to the brand."""
    other_post = post_with_labels(brand, body="Ein Beitrag eines anderen")
    report = services.report_post(other_post, reason="abuse", note="Das ist beleidigend", by=member)
    mine = post_with_labels(
        brand, body="Mein harscher Beitrag", abuse=0.3, abuse_confident=True, author=member
    )
    decision = services.hide_post(mine, by=moderator, rules=[rule(brand)], explanation="Beleidigung.")
    appeal = services.open_appeal(decision, by=member, text="Das war keine Beleidigung.")
    services.change_role(member, brand=brand, role=Role.AGENT, by=brand_admin)
    mail = channel_factory(brand, kind=ChannelKind.EMAIL, name="Mail")
    conversation = conversation_factory(
        brand, channel=mail, n=7, author_handle=member.email, text="Meine Frage per Mail"
    )
    reply = Message.objects.create(
        conversation=conversation, channel=mail, direction=Direction.OUT, text="Unsere Antwort an Sie"
    )
    stranger = conversation_factory(brand, channel=mail, n=8, text="Frage eines Fremden")
    return {"report": report, "decision": decision, "appeal": appeal, "reply": reply, "stranger": stranger}


def test_export_holds_every_record_about_the_person(history, member):
    records = export_person(member)["records"]
    assert [r["note"] for r in records["moderation.Report"]] == ["Das ist beleidigend"]
    assert [r["id"] for r in records["moderation.ModerationDecision"]] == [history["decision"].pk]
    assert records["moderation.ModerationDecision"][0]["subject"] == "you"
    assert records["moderation.ModerationDecision"][0]["decided_by"] == "someone else"
    assert [r["text"] for r in records["moderation.Appeal"]] == ["Das war keine Beleidigung."]
    assert {r["decision"] for r in records["moderation.Notice"]} == {history["decision"].pk}
    assert Notice.objects.filter(recipient=member).count() == len(records["moderation.Notice"])
    assert [(r["old_role"], r["new_role"]) for r in records["moderation.RoleGrant"]] == [("member", "agent")]
    texts = [r["text"] for r in records["inbox.Message"]]
    assert "Meine Frage per Mail" in texts and "Unsere Antwort an Sie" in texts
    assert "Frage eines Fremden" not in texts  # somebody else's conversation
    assert history["stranger"].pk not in [r["id"] for r in records["inbox.Conversation"]]
    assert [r["body"] for r in records["community.Post"]] == ["Mein harscher Beitrag"]


def test_export_leaves_out_secrets(member):
    from resonanz.accounts.services import create_api_token

    create_api_token(member, name="Skript")
    data = export_person(member)
    (token,) = data["records"]["accounts.ApiToken"]
    assert token["name"] == "Skript" and "key_hash" not in token
    assert "password" not in json.dumps(data)


def test_settings_page_download_is_the_complete_export(client, history, member):
    client.force_login(member)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["records"]["moderation.Appeal"][0]["text"] == "Das war keine Beleidigung."
    assert data["posts"][0]["text"] == "Mein harscher Beitrag"  # the readable forum section stays
    assert export_user_data(member)["records"].keys() == data["records"].keys()
