"""Sign-up, roles and API tokens."""

from __future__ import annotations

import pytest

from resonanz.accounts import services
from resonanz.accounts.models import Membership, Role, User
from resonanz.accounts.permissions import check_role, has_role, role_of
from resonanz.core.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


def test_sign_up_creates_member_of_brand(brand):
    user = services.sign_up(
        username="Jana_92", email="Jana@Example.org", password="lange-genug-123", brand=brand
    )
    assert user.email == "jana@example.org"
    assert role_of(user, brand) == Role.MEMBER


def test_sign_up_names_every_bad_field_and_saves_nothing(member):
    with pytest.raises(InvalidInput) as exc:
        services.sign_up(username="MIA", email="mia@example.org", password="123")
    assert set(exc.value.errors) == {"username", "email", "password"}
    assert User.objects.count() == 1


def test_sign_up_rejects_invalid_handle():
    with pytest.raises(InvalidInput) as exc:
        services.sign_up(username="a b", email="ab@example.org", password="lange-genug-123")
    assert "username" in exc.value.errors


def test_roles_are_ordered(brand, moderator):
    assert has_role(moderator, brand, Role.AGENT)
    assert has_role(moderator, brand, Role.MODERATOR)
    assert not has_role(moderator, brand, Role.MANAGER)
    with pytest.raises(NotAllowed):
        check_role(moderator, brand, Role.MANAGER)


def test_roles_do_not_leak_across_brands(brand, other_brand, manager):
    assert role_of(manager, other_brand) is None
    assert not has_role(manager, other_brand, Role.MEMBER)


def test_only_brand_admins_set_roles(brand, manager, member, brand_admin):
    # Role changes are public log entries, so the moderation service writes them (see test_guard_roles).
    from resonanz.moderation.services import change_role

    with pytest.raises(NotAllowed):
        change_role(member, brand=brand, role=Role.AGENT, by=manager)
    change_role(member, brand=brand, role=Role.AGENT, by=brand_admin)
    fresh = User.objects.get(pk=member.pk)
    assert role_of(fresh, brand) == Role.AGENT


def test_reviewer_ranks_as_member_only(brand, member):
    """The external reviewer gets no agent or moderator powers from the ordered role check."""
    Membership.objects.filter(user=member, brand=brand).update(role=Role.REVIEWER)
    fresh = User.objects.get(pk=member.pk)
    assert has_role(fresh, brand, Role.MEMBER)
    assert not has_role(fresh, brand, Role.AGENT)
    assert not has_role(fresh, brand, Role.MODERATOR)


def test_api_token_is_stored_hashed_and_authenticates(member):
    token, plain = services.create_api_token(member, name="CLI")
    assert plain.startswith("rz_") and plain not in token.key_hash
    assert services.authenticate_token(plain) == member
    assert services.authenticate_token(plain + "x") is None
    services.revoke_api_token(member, token_id=token.pk)
    assert services.authenticate_token(plain) is None


def test_token_of_deactivated_user_is_refused(member):
    _token, plain = services.create_api_token(member, name="x")
    member.is_active = False
    member.save()
    assert services.authenticate_token(plain) is None
