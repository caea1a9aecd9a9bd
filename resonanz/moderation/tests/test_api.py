"""The moderation API: reports, queue, actions with refusals and four eyes, appeals, log, report, DSA."""

from __future__ import annotations

import pytest

from resonanz.moderation import services
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/brands/elbtal-bahn"
JSON = "application/json"


def test_member_reports_with_rule_and_criticism_flag_and_lists_own_reports(client, abusive_post, member):
    client.force_login(member)
    body = {"reason": "other", "rule_number": 2, "criticism": True}
    response = client.post(f"{API}/posts/{abusive_post.pk}/reports", body, content_type=JSON)
    assert response.status_code == 201 and response.json()["criticism"] is True
    assert client.get(f"{API}/reports/mine").json()["items"][0]["post_id"] == abusive_post.pk
    body = {"reason": "spam", "rule_number": 9}
    response = client.post(f"{API}/posts/{abusive_post.pk}/reports", body, content_type=JSON)
    assert response.status_code == 422 and response.json()["code"] == "rule_required"


def test_queue_and_act_with_refusals(client, abusive_post, moderator, member):
    client.force_login(member)
    assert client.get(f"{API}/moderation/queue").status_code == 403
    services.screen_post(abusive_post)
    client.force_login(moderator)
    item = client.get(f"{API}/moderation/queue").json()[0]
    assert item["post_id"] == abusive_post.pk and item["automated"] and item["labels"]["abuse_score"] == 0.95
    url = f"{API}/moderation/posts/{abusive_post.pk}/actions"
    refused = client.post(
        url, {"action": "remove", "rules": [], "explanation": "Beleidigung."}, content_type=JSON
    )
    assert refused.status_code == 422 and refused.json()["code"] == "rule_required"
    refused = client.post(url, {"action": "remove", "rules": [1]}, content_type=JSON)
    assert refused.json()["code"] == "explanation_required"
    body = {"action": "remove", "rules": [1], "explanation": "Beleidigung.", "expected_state": item["state"]}
    done = client.post(url, body, content_type=JSON)
    assert done.status_code == 201 and done.json()["decision_visibility"] == [
        "DECISION_VISIBILITY_CONTENT_REMOVED"
    ]
    stale = client.post(url, {**body, "action": "hide"}, content_type=JSON)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_decision"


def test_four_eyes_and_appeal_through_the_api(client, critical_post, moderator, moderator2):
    client.force_login(moderator)
    url = f"{API}/moderation/posts/{critical_post.pk}/actions"
    body = {"action": "hide", "rules": [1], "explanation": "Off-Topic laut Regel 1."}
    proposed = client.post(url, body, content_type=JSON).json()
    assert proposed["status"] == "pending_approval" and proposed["four_eyes"]
    own = client.post(f"{API}/moderation/decisions/{proposed['puid']}/approve")
    assert own.status_code == 403 and own.json()["code"] == "second_approval_required"
    client.force_login(moderator2)
    assert [d["puid"] for d in client.get(f"{API}/moderation/approvals").json()] == [proposed["puid"]]
    assert (
        client.post(f"{API}/moderation/decisions/{proposed['puid']}/approve").json()["status"] == "effective"
    )
    client.force_login(critical_post.author)
    statement = client.get(f"{API}/moderation/decisions/{proposed['puid']}").json()
    assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    text = {"text": "Das ist Kritik am Fahrplan."}
    appeal = client.post(f"{API}/moderation/decisions/{proposed['puid']}/appeal", text, content_type=JSON)
    assert appeal.status_code == 201
    client.force_login(moderator2)
    outcome = {"outcome": "reversed", "reason": "Ich war beteiligt."}
    decided = client.post(
        f"{API}/moderation/appeals/{appeal.json()['id']}/decision", outcome, content_type=JSON
    )
    assert decided.status_code == 403 and decided.json()["code"] == "self_appeal_decision"


def test_statement_is_private(client, abusive_post, moderator, member):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    client.force_login(member)
    assert client.get(f"{API}/moderation/decisions/{decision.puid}").status_code == 403


def test_public_log_and_rules_need_no_login(client, abusive_post, moderator):
    services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    entries = client.get(f"{API}/moderation/log").json()["items"]
    assert [e["kind"] for e in entries] == ["decision", "rules"]
    assert entries[0]["prev_hash"] == entries[1]["entry_hash"] and entries[0]["excerpt"] is None
    assert "Idioten" not in str(entries) and moderator.username not in entries[0]["payload"].values()
    rules = client.get(f"{API}/moderation/rules").json()
    assert rules["version"] == 1 and rules["rules"][0]["title"] == "Respektvoller Umgang"


def test_transparency_and_dsa_for_managers(client, abusive_post, moderator, manager):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    period = decision.effective_at.astimezone().strftime("%Y-%m")
    client.force_login(moderator)
    assert client.get(f"{API}/moderation/transparency", {"period": period}).status_code == 403
    client.force_login(manager)
    assert client.get(f"{API}/moderation/transparency", {"period": period}).json()["decisions"] == 1
    csv_body = client.get(
        f"{API}/moderation/transparency", {"period": period, "format": "csv"}
    ).content.decode()
    assert "by_action,hide,1" in csv_body
    batches = client.get(f"{API}/moderation/dsa-statements", {"period": period}).json()
    assert batches[0]["statements"][0]["puid"] == decision.puid
    assert client.get(f"{API}/moderation/dsa-statements", {"period": "gestern"}).status_code == 422
