"""``resonanz witness``: watch other installations' moderation logs (no database needed).

For each checkpoint URL (``https://host/b/<brand>/moderation/log/checkpoint``) the witness fetches the
signed checkpoint and the log's key (``…/log/key``, pinned on first sight), verifies the signature, and
checks that the new checkpoint extends the last one it saved: same size → same root; larger → a valid
RFC 9162 consistency proof (``…/log/proof/consistency``); smaller → the log was rolled back. It keeps
every checkpoint it accepted under ``<state>/<host_path>/``, so a fork stays provable later.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from resonanz.moderation import checkpoints, merkle

TIMEOUT_SECONDS = 15
MAX_BYTES = 1_000_000


class WitnessError(Exception):
    """The log could not be checked, or it is inconsistent with what the witness saw before."""


@dataclass(frozen=True)
class Seen:
    url: str
    checkpoint: checkpoints.Checkpoint
    previous_size: int | None

    def summary(self) -> str:
        cp = self.checkpoint
        was = (
            "first checkpoint saved"
            if self.previous_size is None
            else f"consistent with size {self.previous_size}"
        )
        return f"{self.url}: {cp.origin} size {cp.tree_size}, signature ok, {was}"


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https only)
            return response.read(MAX_BYTES).decode("utf-8")
    except urllib.error.HTTPError as exc:
        body = exc.read(300).decode("utf-8", "replace").strip()
        raise WitnessError(f"{url}: HTTP {exc.code} {body}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WitnessError(f"{url}: cannot reach the log ({reason})") from exc
    except UnicodeDecodeError as exc:
        raise WitnessError(f"{url}: the response is not UTF-8 text") from exc


def _sibling(url: str, path: str) -> str:
    base = url.split("?", 1)[0].rstrip("/")
    if not base.endswith("/checkpoint"):
        raise WitnessError(f"{url}: expected the log's checkpoint URL, ending in /moderation/log/checkpoint")
    return base[: -len("checkpoint")] + path


def state_dir_for(state: Path, url: str) -> Path:
    parts = urllib.parse.urlsplit(url)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{parts.netloc}{parts.path}").strip("_")
    return state / name


def _consistency_proof(url: str, first: int, second: int) -> tuple[bytes, bytes, list[bytes]]:
    text = fetch(_sibling(url, f"proof/consistency?first={first}&second={second}"))
    try:
        data = json.loads(text)
        return (
            bytes.fromhex(data["first_root"]),
            bytes.fromhex(data["second_root"]),
            [bytes.fromhex(node) for node in data["proof"]],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise WitnessError(f"{url}: malformed consistency proof ({exc})") from exc


def watch(url: str, state: Path) -> Seen:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise WitnessError(f"{url}: only http and https URLs can be watched")
    here = state_dir_for(state, url)
    key_text = fetch(_sibling(url, "key"))
    pinned = here / "key"
    if pinned.exists() and pinned.read_text().strip() != key_text.strip():
        raise WitnessError(
            f"{url}: the log's key changed from {pinned.read_text().strip()} to {key_text.strip()}; "
            "a new key is a new log: check with its operator before trusting it"
        )
    try:
        name, public = checkpoints.parse_verifier_key(key_text if not pinned.exists() else pinned.read_text())
        checkpoint = checkpoints.parse(fetch(url))
        if checkpoint.origin != name:
            raise WitnessError(f"{url}: the checkpoint is of {checkpoint.origin!r}, the key of {name!r}")
        checkpoints.verify(checkpoint, public)
    except checkpoints.CheckpointError as exc:
        raise WitnessError(f"{url}: {exc}") from exc
    latest = here / "latest"
    previous = checkpoints.parse(latest.read_text()) if latest.exists() else None
    if previous is not None:
        _check_extends(url, previous, checkpoint)
    here.mkdir(parents=True, exist_ok=True)
    if not pinned.exists():
        pinned.write_text(key_text.strip() + "\n")
    (here / f"{checkpoint.tree_size}.checkpoint").write_text(checkpoint.note())
    latest.write_text(checkpoint.note())
    return Seen(url, checkpoint, previous.tree_size if previous else None)


def _check_extends(url: str, old: checkpoints.Checkpoint, new: checkpoints.Checkpoint) -> None:
    if new.tree_size < old.tree_size:
        raise WitnessError(
            f"{url}: ROLLED BACK: size {new.tree_size} now, but size {old.tree_size} was signed before"
        )
    if new.tree_size == old.tree_size:
        if new.root_hash != old.root_hash:
            raise WitnessError(
                f"{url}: FORK: two different signed roots for size {new.tree_size} "
                f"({old.root_hash.hex()} saved, {new.root_hash.hex()} now)"
            )
        return
    if old.tree_size == 0:
        return
    first_root, second_root, proof = _consistency_proof(url, old.tree_size, new.tree_size)
    if (
        first_root != old.root_hash
        or second_root != new.root_hash
        or not merkle.verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash, proof)
    ):
        raise WitnessError(
            f"{url}: FORK: the log of size {new.tree_size} does not extend the one of size {old.tree_size} "
            "saved before (the consistency proof fails): its history was rewritten"
        )
