"""The one REST API instance at /api/: auth, throttling, error shape, and each app's router."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from resonanz.accounts.services import authenticate_token
from resonanz.core.config import product_setting
from resonanz.core.errors import DomainError, InvalidInput, RateLimited


class BearerToken(HttpBearer):
    """``Authorization: Bearer rz_…`` with a personal token created in the account settings."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


bearer = BearerToken()
session = SessionAuth(csrf=True)
# Writes: a token, or the browser session with its CSRF token.
AUTH_REQUIRED = [bearer, session]


def optional_auth(request: HttpRequest) -> object | None:
    """Reads of public data: anonymous is fine, but a token that is sent must be valid."""
    if request.headers.get("Authorization"):
        return bearer(request)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    request.user = AnonymousUser()
    return request.user


api = NinjaAPI(
    title="Resonanz API",
    version="1",
    description="Community, inbox, moderation and insights of Resonanz. Authenticate with `Authorization: "
    "Bearer <token>` (create tokens in your account settings).",
    urls_namespace="api",
    auth=AUTH_REQUIRED,
    throttle=[
        AnonRateThrottle(product_setting("API_ANON_RATE")),
        AuthRateThrottle(product_setting("API_RATE")),
    ],
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, object] = {"code": exc.code, "message": exc.message}
    if isinstance(exc, InvalidInput):
        body["errors"] = exc.errors
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _mount_routers() -> None:
    from resonanz.blog.api import router as blog_router
    from resonanz.community.api import router as community_router
    from resonanz.moderation.api import router as moderation_router

    api.add_router("/", community_router)
    api.add_router("/", blog_router)
    api.add_router("/", moderation_router)


_mount_routers()
