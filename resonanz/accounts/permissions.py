"""Who may do what in a brand: ``can_*`` returns bool, ``check_*`` raises NotAllowed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.core.errors import NotAllowed, SecondFactorRequired

AnyUser = User | AnonymousUser


def role_of(user: AnyUser | None, brand: Brand) -> Role | None:
    """The user's role in ``brand``; superusers are admins everywhere. Cached per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cache: dict[int, Role | None] = user.__dict__.setdefault("_brand_roles", {})
    if brand.pk not in cache:
        role = Membership.objects.filter(brand=brand, user=user).values_list("role", flat=True).first()
        cache[brand.pk] = Role(role) if role else None
    return cache[brand.pk]


def has_role(user: AnyUser | None, brand: Brand, minimum: Role) -> bool:
    role = role_of(user, brand)
    return role is not None and role.rank >= minimum.rank


def check_role(user: AnyUser | None, brand: Brand, minimum: Role) -> None:
    if not has_role(user, brand, minimum):
        raise NotAllowed(
            _("This needs the role “%(role)s” in %(brand)s.") % {"role": minimum.label, "brand": brand.name}
        )
    check_staff_second_factor(user, brand, minimum)


def check_staff_second_factor(user: AnyUser | None, brand: Brand, minimum: Role) -> None:
    """With the brand setting on, moderators and above may use staff functions only with a second factor.

    Checked here, with every role check, so pages, API and CLI are all covered; members' own actions
    (minimum MEMBER) stay possible so nobody is locked out of the community itself."""
    if not brand.staff_require_second_factor or minimum.rank < Role.AGENT.rank:
        return
    role = role_of(user, brand)
    if role is None or role.rank < Role.MODERATOR.rank or not isinstance(user, User):
        return
    if not user.second_factor_on:
        raise SecondFactorRequired(
            _("%(brand)s requires staff to use a second factor: switch it on in your account settings.")
            % {"brand": brand.name}
        )


def check_authenticated(user: AnyUser | None) -> User:
    if user is None or not user.is_authenticated or not isinstance(user, User):
        raise NotAllowed(_("Please log in first."))
    if not user.is_active:
        raise NotAllowed(_("This account is deactivated."))
    return user
