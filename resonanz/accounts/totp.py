"""Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 30-second steps), with the standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
DRIFT = 1  # accept the step before and after: phone clocks are rarely exact


def new_secret() -> str:
    """160 random bits (the size RFC 4226 recommends) in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 HOTP: dynamic truncation of HMAC-SHA-1 over the 8-byte counter."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def code_at(secret_b32: str, at: float, digits: int = DIGITS) -> str:
    return hotp(_key(secret_b32), int(at // STEP), digits)


def matching_step(secret_b32: str, code: str, at: float | None = None) -> int | None:
    """The time step the code belongs to (within ±DRIFT of now), or None; compared in constant time."""
    code = code.replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    now_step = int((time.time() if at is None else at) // STEP)
    key = _key(secret_b32)
    for step in range(now_step - DRIFT, now_step + DRIFT + 1):
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret_b32: str, *, account: str, issuer: str = "Resonanz") -> str:
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret_b32, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"
