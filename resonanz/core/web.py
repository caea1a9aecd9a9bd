"""Helpers for thin views: brand lookup from the URL and domain errors turned into responses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from resonanz.accounts.models import User
from resonanz.accounts.selectors import get_brand
from resonanz.core.errors import DomainError, NotAllowed, NotFound, SecondFactorRequired

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)


def brand_view(
    view: Callable[Concatenate[HttpRequest, P], R],
) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
    """Resolve ``brand_slug`` into ``request.brand``; NotFound becomes 404, other domain errors a page."""

    @wraps(view)
    def wrapper(request: HttpRequest, brand_slug: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            request.brand = get_brand(brand_slug)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            return error_response(request, exc)

    return wrapper


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A domain error as a page (or an htmx fragment) with its status code and message."""
    if isinstance(exc, SecondFactorRequired):  # not a dead end: straight to the enrolment page
        messages.warning(request, exc.message)
        if getattr(request, "htmx", False):  # a whole page, not a fragment swapped into this one
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("accounts:two_factor")
            return response
        return redirect("accounts:two_factor")
    headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
    template = "core/error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
    response = render(request, template, {"error": exc}, status=exc.status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form: Any, exc: DomainError) -> None:
    """Attach a domain error to the form field it names (or to the form as a whole)."""
    errors = getattr(exc, "errors", None) or {exc.field or "__all__": exc.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def signed_in_user(request: HttpRequest) -> User:
    """The user of a ``login_required`` view, typed as such."""
    user = request.user
    if not isinstance(user, User):
        raise NotAllowed(_("Please log in."))
    return user


def flash(request: HttpRequest, message: str) -> None:
    messages.success(request, message)
