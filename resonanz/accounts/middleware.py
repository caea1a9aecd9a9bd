"""Sessions of users with a second factor count only after the second step.

Any way of logging in that skips it (the Django admin's own login form, a session from before the factor
was switched on) is ended here, and the user is sent to the login page, which asks for the code."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from resonanz.accounts import twofactor


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(twofactor.SESSION_VERIFIED)
            and twofactor.is_enabled(user)
        ):
            logout(request)
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
