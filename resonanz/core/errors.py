"""Domain errors raised by services and turned into clear messages by views, API and CLI."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is safe to show to the user."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidInput(DomainError):
    """Bad input; ``errors`` maps field names to messages so forms and the API can point at them."""

    code = "invalid"
    status = 422

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        summary = "; ".join(f"{field}: {message}" for field, message in self.errors.items())
        super().__init__(summary, field=next(iter(self.errors), None))


class SecondFactorRequired(NotAllowed):
    """The brand requires staff to use a second factor and this user has not switched one on."""

    code = "second_factor_required"
