"""The one REST API instance at /api/: auth, throttling, error shape, and each app's router."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from resonanz.accounts.services import authenticate_token
from resonanz.core import jsonlimits
from resonanz.core.errors import DomainError, InvalidInput, RateLimited
from resonanz.core.jsonlimits import JsonTooDeep
from resonanz.core.throttle import ClientRateThrottle


class BearerToken(HttpBearer):
    """``Authorization: Bearer rz_…`` with a personal token created in the account settings."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SessionCookie(SessionAuth):
    """The browser session; CSRF is checked only once someone is logged in, so a request without any
    credentials gets 401 (not a misleading 403 about CSRF)."""

    def __call__(self, request: HttpRequest) -> object | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


bearer = BearerToken()
session = SessionCookie(csrf=True)
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


class BodyNotAnObject(ValueError):
    """A request body that is valid JSON but not an object (``null``, a list, a number)."""


JSON_KINDS = {
    type(None): "null",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object; anything else is refused before validation,
    which would otherwise read ``null`` as "no fields given" and accept it."""

    def parse_body(self, request: HttpRequest) -> dict[str, object]:
        data = jsonlimits.loads(request.body)  # a nesting limit with a message, not a RecursionError
        if not isinstance(data, dict):
            kind = JSON_KINDS.get(type(data), type(data).__name__)
            raise BodyNotAnObject(f"The request body must be a JSON object, not {kind}.")
        return data


api = NinjaAPI(
    title="Resonanz API",
    version="1",
    description="Community, inbox, moderation and insights of Resonanz. Authenticate with `Authorization: "
    "Bearer <token>` (create tokens in your account settings).",
    urls_namespace="api",
    # Swagger UI sets inline styles; scripts stay 'self' only.
    docs_decorator=csp_update({"style-src": ["'self'", "'unsafe-inline'"]}),
    auth=AUTH_REQUIRED,
    parser=ObjectBodyParser(),
    throttle=[ClientRateThrottle(user_setting="API_RATE", anon_setting="API_ANON_RATE")],
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


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors as ``{"detail"}``; a body that is not an object says so instead of
    "Cannot parse request body"."""
    cause = exc.__cause__
    detail = str(cause) if isinstance(cause, BodyNotAnObject | JsonTooDeep) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


def _mount_routers() -> None:
    from resonanz.alerts.api import router as alerts_router
    from resonanz.blog.api import router as blog_router
    from resonanz.classify.api import router as classify_router
    from resonanz.community.api import router as community_router
    from resonanz.inbox.api import router as inbox_router
    from resonanz.insights.api import router as insights_router
    from resonanz.moderation.api import router as moderation_router
    from resonanz.moderation.role_api import router as roles_router
    from resonanz.sources.api import router as sources_router

    for router in (
        community_router,
        blog_router,
        moderation_router,
        roles_router,
        inbox_router,
        insights_router,
        alerts_router,
        classify_router,
        sources_router,
    ):
        api.add_router("/", router)


_mount_routers()
