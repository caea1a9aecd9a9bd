"""Log lines an operator can follow: time, level, logger and the id of the request that wrote them.

:class:`RequestIdMiddleware` gives every request an id (the proxy's ``X-Request-ID`` when a trusted proxy
sent one, else a new uuid), returns it in the response's ``X-Request-ID`` and keeps it in a contextvar;
:class:`RequestIdFilter` copies it onto every log record, so each line of one request carries the same
id. ``RESONANZ_LOG_FORMAT=json`` writes one JSON object per line (for Loki, Elasticsearch, journald).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from resonanz.core.clientip import from_trusted_proxy

HEADER = "X-Request-ID"
NO_REQUEST = "-"
# A proxy's id is copied into every log line: only short, plain tokens, so a client cannot forge lines.
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def incoming_id(request: HttpRequest) -> str:
    """The id of this request: a trusted proxy's well-formed ``X-Request-ID``, else a fresh uuid."""
    sent = str(request.META.get("HTTP_X_REQUEST_ID", "")).strip()
    if sent and VALID_ID.match(sent) and from_trusted_proxy(request):
        return sent
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_id(request)
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``-`` outside requests: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, request_id, message, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# The text format of settings.LOGGING (JSON lines use JsonFormatter instead).
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
