"""HMAC-SHA256 signatures over ``timestamp.body``, shared by the inbound channel and outgoing webhooks.

Headers: ``X-Resonanz-Timestamp`` (Unix seconds) and ``X-Resonanz-Signature: sha256=<hex>``. Binding the
timestamp into the signature lets the receiver refuse old requests (replays) without storing them all.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Resonanz-Signature"
TIMESTAMP_HEADER = "X-Resonanz-Timestamp"
MAX_SKEW_SECONDS = 300


class SignatureError(Exception):
    """The request is not signed correctly or too old; the message says which."""


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(secret: str, *, timestamp: str, signature: str, body: bytes, now: float | None = None) -> None:
    if not timestamp or not signature:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    try:
        moment = int(timestamp)
    except ValueError as exc:
        raise SignatureError(f"{TIMESTAMP_HEADER} is not a Unix timestamp") from exc
    current = now if now is not None else time.time()
    if abs(current - moment) > MAX_SKEW_SECONDS:
        raise SignatureError(f"{TIMESTAMP_HEADER} is more than {MAX_SKEW_SECONDS // 60} minutes off")
    if not hmac.compare_digest(sign(secret, moment, body), signature.strip()):
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body")
