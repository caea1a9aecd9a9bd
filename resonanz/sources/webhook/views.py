"""POST /hooks/<channel uuid>/: verify size, timestamp, signature and replay, then stage the posts."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from resonanz.core import counters
from resonanz.core.errors import RateLimited
from resonanz.core.jsonlimits import JsonTooDeep
from resonanz.core.ratelimit import check_rate, client_key
from resonanz.sources.crypto import CredentialError
from resonanz.sources.incoming import IncomingError
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.services import channel_secrets
from resonanz.sources.webhook.parse import parse_body
from resonanz.sources.webhook.signature import (
    MAX_SKEW_SECONDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify,
)

DEFAULT_MAX_BYTES = 256 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@csrf_exempt  # machines sign their requests instead of carrying a CSRF token
@require_POST
def receive(request: HttpRequest, channel_uuid: str) -> JsonResponse:
    from resonanz.inbox.staging import stage_batch

    try:
        check_rate("webhook", client_key(request))  # per sender address behind the trusted proxies
    except RateLimited as exc:
        response = _error(429, exc.code, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    channel = Channel.objects.filter(uuid=channel_uuid, kind=ChannelKind.WEBHOOK, enabled=True).first()
    if channel is None:
        return _error(404, "not_found", "unknown webhook channel")
    limit = int(channel.config.get("max_bytes") or DEFAULT_MAX_BYTES)
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit or len(request.body) > limit:
        return _error(413, "too_large", f"body larger than {limit} bytes")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    try:
        secret = channel_secrets(channel).get("signing_secret", "")
        if not secret:
            raise CredentialError("the channel has no signing secret")
        verify(
            secret,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            signature=signature,
            body=request.body,
        )
    except (SignatureError, CredentialError) as exc:
        return _error(401, "bad_signature", str(exc))
    # The signature covers the timestamp, so within the allowed skew each request is unique by it.
    # Kept atomically in Redis or the database (never a per-process or file cache, which would let a
    # replay through on another worker).
    if not counters.add_once(f"hook:{channel.pk}:{signature}", ttl=MAX_SKEW_SECONDS * 2 + 60):
        return _error(409, "replayed", "this request was delivered before")
    try:
        posts = parse_body(request.body)
    except JsonTooDeep as exc:
        return _error(400, "too_deep", str(exc))
    except IncomingError as exc:
        return _error(422, "invalid", str(exc))
    result = stage_batch(channel, posts)
    return JsonResponse(
        {"received": result.read, "new": result.new, "duplicates": result.duplicates}, status=202
    )
