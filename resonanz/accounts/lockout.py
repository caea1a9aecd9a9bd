"""Login throttling in the manner of django-axes: failed logins are counted per account and per client
address; successful ones are not. Past either limit, logins pause until the window ends.

Enforced in the authentication backend, so the login page, the Django admin and any other caller of
``authenticate()`` share it; the login view only adds the helpful page saying when it unlocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q
from django.http import HttpRequest

from resonanz.accounts.models import User
from resonanz.core import ratelimit
from resonanz.core.clientip import client_ident

ACCOUNT_SCOPE = "login_account"
ADDRESS_SCOPE = "login_ip"


@dataclass(frozen=True)
class Lockout:
    until: datetime
    retry_after: int
    per_account: bool


def account_key(username: str) -> str:
    """One key per account however it is named (user name or e-mail, any case); unknown names by text,
    so that guessing at names behaves exactly like guessing at a real account's password."""
    name = username.strip().lower()
    user_id = (
        User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name))
        .values_list("pk", flat=True)
        .first()
    )
    return f"user:{user_id}" if user_id is not None else f"name:{name}"


def _keys(request: HttpRequest | None, username: str) -> list[tuple[str, str]]:
    keys = [(ACCOUNT_SCOPE, account_key(username))]
    if request is not None:
        keys.append((ADDRESS_SCOPE, f"ip:{client_ident(request)}"))
    return keys


def locked_out(request: HttpRequest | None, username: str) -> Lockout | None:
    """The lockout in force for this account or client address, or None."""
    for scope, key in _keys(request, username):
        window = ratelimit.is_exhausted(scope, key)
        if window is not None:
            return Lockout(
                until=datetime.fromtimestamp(window.ends_at, tz=UTC),
                retry_after=window.retry_after,
                per_account=scope == ACCOUNT_SCOPE,
            )
    return None


def record_failure(request: HttpRequest | None, username: str) -> None:
    for scope, key in _keys(request, username):
        ratelimit.count_hit(scope, key)


def record_success(username: str) -> None:
    """A correct password ends the account's failure count (the address keeps its own)."""
    ratelimit.forget(ACCOUNT_SCOPE, account_key(username))


def forget_account(user: User) -> None:
    """A password reset proves the owner: the account may log in again at once."""
    ratelimit.forget(ACCOUNT_SCOPE, f"user:{user.pk}")
