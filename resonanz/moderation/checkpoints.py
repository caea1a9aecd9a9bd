"""Signed checkpoints of the moderation log: the text format, signing and verification.

The format is the C2SP *tlog-checkpoint* body inside a C2SP *signed note* (as Go's checksum database
uses), with Ed25519, so tools such as Go's ``golang.org/x/mod/sumdb/note`` can verify it too::

    resonanz/elbtal-bahn                        origin: <RESONANZ_LOG_NAME>/<brand slug>
    42                                          tree size (number of entries)
    qWf2…base64 of the 32-byte root hash…=      RFC 9162 Merkle tree hash
    time 2026-12-05T19:48:25Z                   when it was signed (extension line)
                                                (empty line)
    — resonanz/elbtal-bahn AbCd…base64…         key name, base64(4-byte key hash || 64-byte signature)

The signature covers the four lines above the empty line, newline included. The key hash is the first
four bytes of SHA-256(name || "\\n" || 0x01 || public key); the published verifier key is
``<name>+<key hash hex>+<base64(0x01 || public key)>``.

This module has no database access: the witness runs it against other installations.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from resonanz import env

ALG_ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space, as in C2SP signed notes
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")
_TIME = re.compile(r"^time (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


class CheckpointError(ValueError):
    """A checkpoint that cannot be read or whose signature does not verify; the message says why."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    time: str
    key_hash: bytes = b""
    signature: bytes = b""

    @property
    def body(self) -> str:
        return note_body(self.origin, self.tree_size, self.root_hash, self.time)

    @property
    def key_id(self) -> str:
        return self.key_hash.hex()

    def note(self) -> str:
        sig = base64.b64encode(self.key_hash + self.signature).decode()
        return f"{self.body}\n{SIGNATURE_PREFIX}{self.origin} {sig}\n"

    def as_json(self) -> dict[str, object]:
        return {
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "time": self.time,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
            "note": self.note(),
        }


def note_body(origin: str, tree_size: int, root_hash: bytes, time: str) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\ntime {time}\n"


# --- keys ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(env.log_signing_key())


def reset_key_cache() -> None:
    """Forget the loaded key (tests switch keys; a rotated key needs a restart otherwise)."""
    _private_key.cache_clear()


def public_key_bytes() -> bytes:
    return _private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ALG_ED25519 + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The key as Go's note package writes it: ``name+hash+base64(alg || key)``."""
    encoded = base64.b64encode(ALG_ED25519 + public_key).decode()
    return f"{name}+{key_hash(name, public_key).hex()}+{encoded}"


def parse_verifier_key(text: str) -> tuple[str, bytes]:
    """(name, raw public key) of a verifier key; CheckpointError when it is not one."""
    try:
        name, hash_hex, encoded = text.strip().rsplit("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise CheckpointError(f"not a verifier key (name+hash+key): {text.strip()[:80]!r}") from exc
    if not raw.startswith(ALG_ED25519) or len(raw) != 33:
        raise CheckpointError("the verifier key is not an Ed25519 key")
    if key_hash(name, raw[1:]).hex() != hash_hex:
        raise CheckpointError("the verifier key's hash does not match its name and key")
    return name, raw[1:]


def sign(origin: str, tree_size: int, root_hash: bytes, time: str) -> Checkpoint:
    unsigned = Checkpoint(origin, tree_size, root_hash, time)
    signature = _private_key().sign(unsigned.body.encode())
    return Checkpoint(origin, tree_size, root_hash, time, key_hash(origin, public_key_bytes()), signature)


# --- reading and verifying -----------------------------------------------------------------------------
def parse(text: str) -> Checkpoint:
    """A checkpoint from its signed note or from the JSON the log serves (which contains the note)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise CheckpointError(f"the checkpoint is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("note"), str):
            raise CheckpointError('the checkpoint JSON has no "note" with the signed checkpoint')
        text = data["note"]
    body, sep, signatures = text.partition("\n\n")
    lines = body.split("\n")
    if not sep or len(lines) != 4:
        raise CheckpointError(
            "a checkpoint has four lines (origin, size, root, time), an empty line, a signature"
        )
    origin, size, root_b64, time_line = lines
    time = _TIME.match(time_line)
    if not origin or not _SIZE.match(size) or time is None:
        raise CheckpointError("malformed checkpoint: bad origin, tree size or time line")
    try:
        root_hash = base64.b64decode(root_b64, validate=True)
    except binascii.Error as exc:
        raise CheckpointError("malformed checkpoint: the root hash is not base64") from exc
    if len(root_hash) != 32:
        raise CheckpointError("malformed checkpoint: the root hash is not 32 bytes")
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            continue
        name, _, sig_b64 = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
        try:
            raw = base64.b64decode(sig_b64, validate=True)
        except binascii.Error:
            continue
        if name == origin and len(raw) == 68:
            return Checkpoint(origin, int(size), root_hash, time.group(1), raw[:4], raw[4:])
    raise CheckpointError(f"the checkpoint carries no Ed25519 signature by {origin!r}")


def verify(checkpoint: Checkpoint, public_key: bytes) -> None:
    """Raise CheckpointError unless the checkpoint is signed by ``public_key``."""
    if checkpoint.key_hash != key_hash(checkpoint.origin, public_key):
        raise CheckpointError(
            f"the checkpoint is signed by key {checkpoint.key_id}, not by the published key "
            f"{key_hash(checkpoint.origin, public_key).hex()}"
        )
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(checkpoint.signature, checkpoint.body.encode())
    except InvalidSignature as exc:
        raise CheckpointError(
            f"the signature of the checkpoint of size {checkpoint.tree_size} is invalid"
        ) from exc
