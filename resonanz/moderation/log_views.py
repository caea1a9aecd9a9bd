"""The verifiable log's public, stable URLs: signed checkpoints, the signing key, proofs, entries as JSON.

All under ``/b/<brand>/moderation/log/``; no login, no cookies needed, so that witnesses and readers
can fetch them with any HTTP client. Hashes are lowercase hex in JSON; the signed note is text.
"""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from resonanz.accounts.models import Brand
from resonanz.core.web import brand_view
from resonanz.moderation import checkpoints, logtree, selectors
from resonanz.moderation.models import LogCheckpoint

TEXT = "text/plain; charset=utf-8"


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _size_param(request: HttpRequest, name: str, *, default: int | None = None) -> int | None:
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number, got {value[:20]!r}")
    return int(value)


def _checkpoint_row(request: HttpRequest, brand: Brand) -> LogCheckpoint | JsonResponse:
    try:
        size = _size_param(request, "size")
    except ValueError as exc:
        return _error(str(exc))
    rows = LogCheckpoint.objects.filter(brand=brand)
    row = rows.filter(tree_size=size).first() if size is not None else rows.order_by("-tree_size").first()
    if row is None:
        which = f"of size {size}" if size is not None else "yet: the log is empty"
        return _error(f"no checkpoint {which}", 404)
    return row


@require_GET
@brand_view
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint (or ``?size=N``, any size the log published) as a signed note."""
    row = _checkpoint_row(request, request.brand)  # type: ignore[attr-defined]
    if isinstance(row, JsonResponse):
        return row
    return HttpResponse(logtree.as_checkpoint(row).note(), content_type=TEXT)


@require_GET
@brand_view
def checkpoint_json(request: HttpRequest) -> HttpResponse:
    row = _checkpoint_row(request, request.brand)  # type: ignore[attr-defined]
    if isinstance(row, JsonResponse):
        return row
    return JsonResponse({"brand": row.brand.slug, **logtree.as_checkpoint(row).as_json()})


def _key_info(brand: Brand) -> dict[str, str]:
    origin, public = logtree.origin_for(brand), checkpoints.public_key_bytes()
    return {
        "origin": origin,
        "algorithm": "Ed25519",
        "key_id": checkpoints.key_hash(origin, public).hex(),
        "public_key": base64.b64encode(public).decode(),
        "verifier_key": checkpoints.verifier_key(origin, public),
    }


@require_GET
@brand_view
def key(request: HttpRequest) -> HttpResponse:
    """The verifier key (``name+keyhash+base64(0x01 || Ed25519 key)``) on one line."""
    return HttpResponse(_key_info(request.brand)["verifier_key"] + "\n", content_type=TEXT)  # type: ignore[attr-defined]


@require_GET
@brand_view
def key_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_key_info(request.brand))  # type: ignore[attr-defined]


def _tree_size(brand: Brand) -> int:
    latest = logtree.latest_checkpoint(brand)
    return latest.tree_size if latest else 0


@require_GET
@brand_view
def inclusion(request: HttpRequest, seq: int) -> HttpResponse:
    """Proof that entry ``seq`` is leaf ``seq - 1`` of the tree of ``?size=N`` (default: the latest)."""
    brand: Brand = request.brand  # type: ignore[attr-defined]
    current = _tree_size(brand)
    try:
        size = _size_param(request, "size", default=current)
    except ValueError as exc:
        return _error(str(exc))
    assert size is not None
    if size > current:
        return _error(f"size {size} is larger than the log ({current} entries)")
    if not 1 <= seq <= size:
        return _error(f"entry {seq} is not in a tree of size {size}", 404)
    entry = selectors.get_log_entry(brand, seq)
    try:
        path, root = logtree.inclusion_proof(brand, seq - 1, size), logtree.root_at(brand, size)
    except logtree.TreeError as exc:
        return _error(f"{exc}; the operator should run resonanz verify-modlog", 503)
    return JsonResponse(
        {
            "seq": seq,
            "leaf_index": seq - 1,
            "tree_size": size,
            "leaf_hash": logtree.leaf_of(entry).hex(),
            "root_hash": root.hex(),
            "audit_path": [node.hex() for node in path],
        }
    )


@require_GET
@brand_view
def consistency(request: HttpRequest) -> HttpResponse:
    """Proof that the tree of ``?first=M`` entries is a prefix of the tree of ``?second=N`` entries."""
    brand: Brand = request.brand  # type: ignore[attr-defined]
    current = _tree_size(brand)
    try:
        first = _size_param(request, "first")
        second = _size_param(request, "second", default=current)
    except ValueError as exc:
        return _error(str(exc))
    if first is None or second is None:
        return _error("first is required (a tree size)")
    if not 1 <= first <= second <= current:
        return _error(f"need 1 <= first <= second <= {current} (the log's size); got {first} and {second}")
    try:
        proof = logtree.consistency_proof(brand, first, second)
        roots = logtree.root_at(brand, first), logtree.root_at(brand, second)
    except logtree.TreeError as exc:
        return _error(f"{exc}; the operator should run resonanz verify-modlog", 503)
    return JsonResponse(
        {
            "first": first,
            "second": second,
            "first_root": roots[0].hex(),
            "second_root": roots[1].hex(),
            "proof": [node.hex() for node in proof],
        }
    )


@require_GET
@brand_view
def entry_json(request: HttpRequest, seq: int) -> HttpResponse:
    """One entry: the hashed payload (whose canonical form is the Merkle leaf), its hashes and excerpt."""
    brand: Brand = request.brand  # type: ignore[attr-defined]
    entry = selectors.get_log_entry(brand, seq)
    return JsonResponse(
        {
            "seq": entry.seq,
            "kind": entry.kind,
            "payload": entry.payload,
            "leaf_hash": logtree.leaf_of(entry).hex(),
            "content_hash": entry.content_hash,
            "prev_hash": entry.prev_hash,
            "entry_hash": entry.entry_hash,
            "excerpt_state": entry.excerpt_state,
            "excerpt": entry.excerpt,
            "leaf_rule": "SHA-256(0x00 || canonical JSON of payload, UTF-8)",
        },
        json_dumps_params={"ensure_ascii": False},
    )
