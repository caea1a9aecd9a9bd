"""The second pair of eyes is a different person: role grants are recorded and public; a sock moderator
(new, or appointed by the proposer) cannot approve; a single-moderator brand waits for its external
reviewer, in public."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from resonanz.accounts.models import Membership, Role, User
from resonanz.accounts.permissions import role_of
from resonanz.accounts.tests.factories import BrandFactory, UserFactory, member_factory
from resonanz.community.models import Visibility
from resonanz.core.errors import NotAllowed
from resonanz.moderation import services
from resonanz.moderation.errors import ApproverNotEligible, SecondApprovalRequired
from resonanz.moderation.models import ModerationDecision, ModLogEntry, RoleGrant
from resonanz.moderation.services.roles import OPERATOR
from resonanz.moderation.tests.factories import post_with_labels, rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = ModerationDecision.Status
API = "/api/brands/elbtal-bahn"
PASSWORD = "ein-sehr-langes-passwort-1"


def propose(post, by):
    return services.act_on_post(
        post, action="hide", by=by, rules=[rule(post.brand)], explanation="Verstoß gegen Regel 1."
    )


def critical(brand):
    return post_with_labels(brand, body="Gefühlt ist das deutlich schlechter geworden", sentiment="neutral")


def age_grants(user, brand, days=30):
    """The role was granted ``days`` ago (time passes in the test without a clock)."""
    RoleGrant.objects.filter(user=user, brand=brand).update(granted_at=timezone.now() - timedelta(days=days))


# --- role changes are recorded and public ------------------------------------------------------------


def test_role_change_is_recorded_and_logged_with_roles_not_names(client, brand, brand_admin, member):
    services.change_role(member, brand=brand, role=Role.MODERATOR, by=brand_admin)
    grant = RoleGrant.objects.get(user=member)
    assert (grant.old_role, grant.new_role, grant.granted_by) == ("member", "moderator", brand_admin)
    entry = ModLogEntry.objects.get(kind="role")
    assert entry.payload["new_role"] == "moderator" and entry.payload["by_role"] == "admin"
    assert member.username not in str(entry.payload) and brand_admin.username not in str(entry.payload)
    page = client.get(f"/b/{brand.slug}/moderation/log/").content.decode()
    assert "A person became moderator" in page and "by an admin" in page
    # As whole words: a short name such as "ada" can occur inside a hex hash on the page.
    assert not re.search(rf"\b({member.username}|{brand_admin.username})\b", page)
    items = client.get(f"{API}/moderation/log").json()["items"]
    assert items[0]["kind"] == "role" and items[0]["title"] == "A person became moderator"
    feed = client.get(f"/b/{brand.slug}/moderation/log/feed.atom").content.decode()
    assert "A person became moderator" in feed and member.username not in feed


def test_role_withdrawal_and_no_op_grants(brand, brand_admin, moderator):
    services.change_role(moderator, brand=brand, role=Role.MODERATOR, by=brand_admin)
    assert not RoleGrant.objects.filter(user=moderator).exists()  # nothing changed, nothing recorded
    services.change_role(moderator, brand=brand, role=None, by=brand_admin)
    assert not Membership.objects.filter(user=moderator, brand=brand).exists()
    assert ModLogEntry.objects.get(kind="role").payload == {
        **ModLogEntry.objects.get(kind="role").payload, "old_role": "moderator", "new_role": None,
    }  # fmt: skip


def test_only_brand_admins_change_roles(brand, manager, member):
    with pytest.raises(NotAllowed):
        services.change_role(member, brand=brand, role=Role.MODERATOR, by=manager)
    assert not ModLogEntry.objects.filter(kind="role").exists()


def test_operator_grants_are_logged_as_the_operator(brand, member):
    services.change_role(member, brand=brand, role=Role.REVIEWER, by=OPERATOR)
    assert ModLogEntry.objects.get(kind="role").payload["by_role"] == "operator"
    assert RoleGrant.objects.get(user=member).granted_by is None


# --- the sock moderator --------------------------------------------------------------------------------


def test_sock_made_moderator_through_the_service_cannot_approve(brand, rules, brand_admin):
    sock = UserFactory(username="sockpuppet")
    services.change_role(sock, brand=brand, role=Role.MODERATOR, by=brand_admin)
    decision = propose(critical(brand), brand_admin)
    with pytest.raises(ApproverNotEligible, match="younger than 7 days"):
        services.approve_decision(decision, by=sock)
    age_grants(sock, brand)  # a month later: old enough, but still the proposer's appointee
    with pytest.raises(ApproverNotEligible, match="appointed you"):
        services.approve_decision(decision, by=sock)
    decision.refresh_from_db()
    assert decision.status == Status.PENDING_APPROVAL and decision.post.visibility == Visibility.VISIBLE


def test_sock_appointed_through_an_intermediary_cannot_approve(brand, rules, brand_admin):
    deputy, sock = UserFactory(username="deputy"), UserFactory(username="sock2")
    services.change_role(deputy, brand=brand, role=Role.ADMIN, by=brand_admin)
    services.change_role(sock, brand=brand, role=Role.MODERATOR, by=deputy)
    age_grants(sock, brand)
    decision = propose(critical(brand), brand_admin)
    with pytest.raises(ApproverNotEligible, match="appointed you"):
        services.approve_decision(decision, by=sock)


def test_sock_made_in_the_django_admin_is_logged_and_cannot_approve(client, brand, rules):
    admin_user = member_factory(brand, Role.ADMIN, username="chefin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    created = client.post(
        "/admin/accounts/user/add/",
        {"username": "heimlich", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true",
         "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert created.status_code == 302, created.content.decode()[:2000]
    sock = User.objects.get(username="heimlich")
    response = client.post(
        "/admin/accounts/membership/add/", {"user": sock.pk, "brand": brand.pk, "role": "moderator"}
    )
    assert response.status_code == 302
    assert RoleGrant.objects.get(user=sock).granted_by == admin_user
    assert ModLogEntry.objects.filter(kind="role", payload__new_role="moderator").count() == 1
    decision = propose(critical(brand), admin_user)
    with pytest.raises(ApproverNotEligible):
        services.approve_decision(decision, by=sock)
    # Changing and deleting in the admin go through the service too.
    membership = Membership.objects.get(user=sock, brand=brand)
    client.post(f"/admin/accounts/membership/{membership.pk}/change/", {"role": "agent"})
    client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    kinds = list(ModLogEntry.objects.filter(kind="role").order_by("seq").values_list("payload", flat=True))
    assert [(p["old_role"], p["new_role"]) for p in kinds][-3:] == [
        (None, "moderator"),
        ("moderator", "agent"),
        ("agent", None),
    ]


def test_platform_superuser_without_a_brand_role_cannot_approve(brand, rules, moderator):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    decision = propose(critical(brand), moderator)
    with pytest.raises(ApproverNotEligible, match="platform"):
        services.approve_decision(decision, by=superuser)


def test_proposer_and_agents_cannot_approve(brand, rules, moderator, agent):
    decision = propose(critical(brand), moderator)
    with pytest.raises(SecondApprovalRequired):
        services.approve_decision(decision, by=moderator)
    with pytest.raises(NotAllowed):
        services.approve_decision(decision, by=agent)


def test_the_minimum_role_age_is_a_brand_setting(brand, rules, moderator, manager):
    fresh = member_factory(brand, Role.MODERATOR, member_days=3)
    decision = propose(critical(brand), moderator)
    with pytest.raises(ApproverNotEligible, match="younger than 7 days"):
        services.approve_decision(decision, by=fresh)
    services.update_moderation_settings(brand, by=manager, approver_min_role_days=2)
    assert services.approve_decision(decision, by=fresh).status == Status.EFFECTIVE


def test_memberships_older_than_the_record_count_from_their_creation(brand, rules, moderator, moderator2):
    assert not RoleGrant.objects.filter(user=moderator2).exists()  # created before grants were recorded
    decision = propose(critical(brand), moderator)
    assert services.approve_decision(decision, by=moderator2).approved_by == moderator2


# --- a single-moderator brand and its external reviewer ---------------------------------------------


@pytest.fixture
def eiscafe():
    return BrandFactory.create(name="Eiscafé Venezia", slug="eiscafe")


def test_single_moderator_brand_publishes_the_pending_proposal_and_the_reviewer_approves(client, eiscafe):
    gino = member_factory(eiscafe, Role.MANAGER, username="gino")
    services.publish_house_rules(eiscafe, rules=[("Freundlich", "Keine Beleidigungen.")], by=gino)
    post = post_with_labels(eiscafe, body="Das Eis war leider geschmolzen und viel zu süß. Enttäuschend.")
    decision = propose(post, gino)
    assert decision.status == Status.PENDING_APPROVAL
    proposed = ModLogEntry.objects.get(brand=eiscafe, kind="proposed")
    assert (
        proposed.payload["approver_available"] is False and proposed.payload["status"] == "pending_approval"
    )
    log = client.get(f"/b/{eiscafe.slug}/moderation/log/").content.decode()
    assert "pending: no eligible second person yet" in log
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE  # never a silent removal

    admin = member_factory(eiscafe, Role.ADMIN, username="inhaber")
    ute = UserFactory(username="ombudsfrau")
    services.change_role(ute, brand=eiscafe, role=Role.REVIEWER, by=admin)
    assert role_of(ute, eiscafe) == Role.REVIEWER
    age_grants(ute, eiscafe)
    client.force_login(ute)
    assert client.get(f"/b/{eiscafe.slug}/moderation/staff/").status_code == 403  # no moderator pages
    page = client.get(f"/b/{eiscafe.slug}/moderation/staff/approvals/")
    assert page.status_code == 200 and "geschmolzen" in page.content.decode()
    response = client.post(f"/b/{eiscafe.slug}/moderation/staff/decisions/{decision.puid}/approve/")
    assert response.status_code == 302
    decision.refresh_from_db()
    post.refresh_from_db()
    assert decision.status == Status.EFFECTIVE and post.visibility == Visibility.HIDDEN
    effective = ModLogEntry.objects.get(brand=eiscafe, kind="decision")
    assert effective.payload["approved_by_role"] == "reviewer" and effective.payload["four_eyes"]


def test_the_reviewer_has_no_moderator_powers_and_uses_the_api(client, brand, rules, moderator, brand_admin):
    reviewer = UserFactory(username="extern")
    services.change_role(reviewer, brand=brand, role=Role.REVIEWER, by=brand_admin)
    age_grants(reviewer, brand)
    post = critical(brand)
    with pytest.raises(NotAllowed):
        propose(post, reviewer)
    decision = propose(post, moderator)
    client.force_login(reviewer)
    assert client.get(f"{API}/moderation/queue").status_code == 403
    assert [d["puid"] for d in client.get(f"{API}/moderation/approvals").json()] == [decision.puid]
    reason = {"reason": "Das ist sachliche Kritik, kein Verstoß."}
    rejected = client.post(
        f"{API}/moderation/decisions/{decision.puid}/reject", reason, content_type="application/json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert ModLogEntry.objects.get(kind="rejected").payload["rejected_by_role"] == "reviewer"


def test_members_and_agents_do_not_see_the_proposals(client, brand, rules, member, agent):
    for user in (member, agent):
        client.force_login(user)
        assert client.get(f"{API}/moderation/approvals").status_code == 403
        assert client.get(f"/b/{brand.slug}/moderation/staff/approvals/").status_code == 403


# --- the other paths that change roles: API and CLI ----------------------------------------------------


def test_roles_change_through_the_api_for_brand_admins_only(client, brand, brand_admin, manager, member):
    body = {"username": member.username, "role": "moderator"}
    client.force_login(manager)
    refused = client.post(f"{API}/roles", body, content_type="application/json")
    assert refused.status_code == 403 and not ModLogEntry.objects.filter(kind="role").exists()
    client.force_login(brand_admin)
    done = client.post(f"{API}/roles", body, content_type="application/json")
    assert done.status_code == 200 and done.json() == {"username": member.username, "role": "moderator"}
    assert RoleGrant.objects.get(user=member).granted_by == brand_admin
    withdrawn = client.post(f"{API}/roles", {**body, "role": None}, content_type="application/json")
    assert withdrawn.json()["role"] is None
    assert ModLogEntry.objects.filter(kind="role").count() == 2


def test_roles_change_at_the_command_line_as_the_operator(brand, member, capsys):
    from resonanz.cli import main

    assert main(["set-role", brand.slug, member.username, "reviewer"]) == 0
    assert role_of(User.objects.get(pk=member.pk), brand) == Role.REVIEWER
    assert ModLogEntry.objects.get(kind="role").payload["by_role"] == "operator"
    assert main(["set-role", brand.slug, "niemand", "moderator"]) == 2


def test_changes_of_the_guard_settings_are_public_log_entries(client, brand, manager):
    from resonanz.moderation.audit import replay_log

    services.update_moderation_settings(brand, by=manager, approver_min_role_days=1)
    services.update_moderation_settings(brand, by=manager, approver_min_role_days=1)  # no change, no entry
    services.update_moderation_settings(brand, by=manager, territorial_scope=["DE", "AT"])  # no guard setting
    [entry] = ModLogEntry.objects.filter(kind=ModLogEntry.Kind.SETTINGS)
    assert entry.payload["changed"] == {"approver_min_role_days": [7.0, 1.0]}
    assert entry.payload["by_role"] == "manager"
    page = client.get(f"/b/{brand.slug}/moderation/log/").content.decode()
    assert "Moderation settings changed: days in role before approving" in page and "7 → 1" in page
    assert replay_log(brand)[1] == []  # the audit takes the new kind in its stride
