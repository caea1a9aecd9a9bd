"""Log in with the user name or the e-mail address, case-insensitively; failed attempts throttled."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest

from resonanz.accounts import lockout
from resonanz.accounts.models import User


class HandleOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        if lockout.locked_out(request, username) is not None:
            # PermissionDenied stops authenticate() at once: no password is checked while locked.
            raise PermissionDenied("too many failed logins")
        user = User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
            lockout.record_failure(request, username)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            lockout.record_success(username)
            return user
        lockout.record_failure(request, username)
        return None
