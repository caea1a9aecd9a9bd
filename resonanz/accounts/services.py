"""Writes about users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import ApiToken, Brand, Membership, Role, User, handle_validator
from resonanz.core.errors import InvalidInput, NotFound

TOKEN_PREFIX = "rz_"  # noqa: S105 (a public marker, not a secret)


def sign_up(*, username: str, email: str, password: str, brand: Brand | None = None) -> User:
    """Create a member account (and membership in ``brand``); every problem is named per field."""
    username, email = username.strip(), email.strip().lower()
    errors: dict[str, str] = {}
    try:
        handle_validator(username)
    except ValidationError as exc:
        errors["username"] = " ".join(exc.messages)
    if not errors.get("username") and User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is taken.")
    if not email or "@" not in email:
        errors["email"] = _("Please enter a valid e-mail address.")
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this e-mail address exists already.")
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email=email, password=password, email_verified=False
            )
            if brand is not None:
                Membership.objects.create(brand=brand, user=user, role=Role.MEMBER)
    except IntegrityError as exc:  # a concurrent sign-up took the name between check and insert
        raise InvalidInput({"username": _("This user name is taken.")}) from exc
    from resonanz.accounts.verification import send_verification

    send_verification(user)
    return user


def join_brand(user: User, *, brand: Brand) -> Membership:
    """Make ``user`` a member of ``brand`` (no-op if they have a role there already)."""
    membership, _created = Membership.objects.get_or_create(
        brand=brand, user=user, defaults={"role": Role.MEMBER}
    )
    return membership


@transaction.atomic
def set_password(user: User, *, password: str) -> int:
    """Set a new password and revoke what was issued under the old one; returns the revoked tokens.

    Every API token is deleted. Every session ends too: Django binds a session to a hash of the password,
    so other browsers are logged out at their next request; a view that keeps the current browser signed
    in calls ``update_session_auth_hash`` afterwards. A pending login lockout of the account ends.
    """
    from resonanz.accounts.lockout import forget_account

    user.set_password(password)
    user.save(update_fields=["password"])
    revoked, _details = ApiToken.objects.filter(user=user).delete()
    forget_account(user)
    return revoked


def _hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is never stored and shown only now."""
    name = name.strip()
    if not name:
        raise InvalidInput({"name": _("Please name the token.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:80], prefix=plain[:10], key_hash=_hash_token(plain))
    return token, plain


def revoke_api_token(user: User, *, token_id: int) -> None:
    deleted, _details = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(_("No such token."))


def authenticate_token(plain: str) -> User | None:
    """The active user owning ``plain``, or None; records when the token was last used."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash_token(plain)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
