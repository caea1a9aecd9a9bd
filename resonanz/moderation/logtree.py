"""The stored Merkle tree of each brand's log and its signed checkpoints (database side).

``append_entry`` calls :func:`append_leaf`, which stores the complete subtrees the new leaf finishes and
signs a checkpoint of the new size, in the caller's transaction. Roots and proofs read only the
``log2(n)`` stored subtrees they need, in one query, so they stay cheap for large logs.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from resonanz import env
from resonanz.accounts.models import Brand
from resonanz.moderation import checkpoints, merkle
from resonanz.moderation.chain import canonical_json, timestamp
from resonanz.moderation.models import LogCheckpoint, LogTreeNode, ModLogEntry

T = TypeVar("T")


class TreeError(RuntimeError):
    """The stored tree lacks a node it should have (tampered with, or not built): verify-modlog says more."""


def origin_for(brand: Brand) -> str:
    return f"{env.log_name()}/{brand.slug}"


def leaf_of_payload(payload: dict[str, object]) -> bytes:
    """The RFC 9162 leaf hash of an entry: SHA-256(0x00 || canonical payload as UTF-8)."""
    return merkle.leaf_hash(canonical_json(payload).encode("utf-8"))


def leaf_of(entry: ModLogEntry) -> bytes:
    return leaf_of_payload(entry.payload)


def _fetch(brand: Brand, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored nodes ``keys`` (about 2·log2(n) of them). Two IN lists instead of one OR per node: the
    ORM compiles them far faster, and the few extra rows of the cross product are dropped here."""
    wanted = set(keys)
    if not wanted:
        return {}
    levels, indexes = {level for level, _ in wanted}, {index for _, index in wanted}
    rows = LogTreeNode.objects.filter(brand=brand, level__in=levels, index__in=indexes)
    found = {(lv, ix): value for lv, ix, value in rows.values_list("level", "index", "hash")}
    return {key: bytes.fromhex(found[key]) for key in wanted if key in found}


def _with_stored_nodes(brand: Brand, compute: Callable[[merkle.NodeSource], T]) -> T:
    """Run a root/proof computation over the stored tree: one dry run to learn the nodes, one query."""
    known = _fetch(brand, merkle.needed_nodes(compute))

    def source(level: int, index: int) -> bytes:
        try:
            return known[(level, index)]
        except KeyError:
            raise TreeError(f"the stored Merkle tree of {brand.slug} lacks node {level}/{index}") from None

    return compute(source)


def root_at(brand: Brand, size: int) -> bytes:
    return _with_stored_nodes(brand, lambda source: merkle.root(source, size))


def inclusion_proof(brand: Brand, index: int, size: int) -> list[bytes]:
    return _with_stored_nodes(brand, lambda source: merkle.inclusion_proof(source, index, size))


def consistency_proof(brand: Brand, first: int, second: int) -> list[bytes]:
    return _with_stored_nodes(brand, lambda source: merkle.consistency_proof(source, first, second))


def append_leaf(brand: Brand, index: int, leaf: bytes, *, at: datetime) -> LogCheckpoint:
    """Store the subtrees leaf ``index`` completes and sign the checkpoint of size ``index + 1``.

    Runs in the caller's transaction, after the brand's log head was locked."""
    size = index + 1
    completed = merkle.completed_nodes(index)
    siblings = {(level - 1, (index >> (level - 1)) - 1) for level, _ in completed[1:]}
    frontier = merkle.needed_nodes(lambda source: merkle.root(source, size))
    known = _fetch(brand, (siblings | frontier) - set(completed))
    value = leaf
    for level, node_index in completed:
        if level:
            left = known.get((level - 1, (index >> (level - 1)) - 1))
            if left is None:
                raise TreeError(
                    f"the stored Merkle tree of {brand.slug} lacks node {level - 1}/{node_index * 2}"
                )
            value = merkle.node_hash(left, value)
        known[(level, node_index)] = value
    LogTreeNode.objects.bulk_create(
        [LogTreeNode(brand=brand, level=lv, index=ix, hash=known[(lv, ix)].hex()) for lv, ix in completed]
    )
    return publish(brand, size, merkle.root(lambda lv, ix: known[(lv, ix)], size), at=at)


def publish(brand: Brand, size: int, root: bytes, *, at: datetime) -> LogCheckpoint:
    signed = checkpoints.sign(origin_for(brand), size, root, timestamp(at))
    return LogCheckpoint.objects.create(
        brand=brand, origin=signed.origin, tree_size=size, root_hash=root.hex(), created_at=at,
        key_id=signed.key_id, signature=base64.b64encode(signed.signature).decode(),
    )  # fmt: skip


def as_checkpoint(row: LogCheckpoint) -> checkpoints.Checkpoint:
    return checkpoints.Checkpoint(
        origin=row.origin, tree_size=row.tree_size, root_hash=bytes.fromhex(row.root_hash),
        time=timestamp(row.created_at), key_hash=bytes.fromhex(row.key_id),
        signature=base64.b64decode(row.signature),
    )  # fmt: skip


def latest_checkpoint(brand: Brand) -> LogCheckpoint | None:
    return LogCheckpoint.objects.filter(brand=brand).order_by("-tree_size").first()


def memory_tree(brand: Brand) -> tuple[merkle.MemoryTree, list[int]]:
    """The tree recomputed from the entries themselves (not the stored nodes), with each leaf's seq."""
    tree, seqs = merkle.MemoryTree(), []
    rows = ModLogEntry.objects.filter(brand=brand).order_by("seq").values_list("seq", "payload")
    for seq, payload in rows.iterator(chunk_size=2000):
        tree.append(leaf_of_payload(payload))
        seqs.append(seq)
    return tree, seqs
