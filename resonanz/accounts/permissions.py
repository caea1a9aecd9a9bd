"""Who may do what in a brand: ``can_*`` returns bool, ``check_*`` raises NotAllowed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.core.errors import NotAllowed

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


def check_authenticated(user: AnyUser | None) -> User:
    if user is None or not user.is_authenticated or not isinstance(user, User):
        raise NotAllowed(_("Please log in first."))
    if not user.is_active:
        raise NotAllowed(_("This account is deactivated."))
    return user
