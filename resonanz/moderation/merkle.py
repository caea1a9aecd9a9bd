"""Merkle tree hashing and proofs of RFC 9162 (Certificate Transparency 2.0), §2.1.

Pure functions over a *node source*: ``source(level, index)`` returns the hash of the complete subtree
that covers leaves ``[index * 2**level, (index + 1) * 2**level)``. Only complete subtrees are ever
stored (see ``LogTreeNode``); every other subtree the RFC's recursion needs is combined from at most
``log2(n)`` of them, so a root or a proof of a 100,000-entry log costs a few dozen hashes, not 100,000.

    leaf hash  = SHA-256(0x00 || leaf bytes)
    node hash  = SHA-256(0x01 || left || right)
    MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two smaller than n
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

NodeSource = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof was asked for sizes or indexes the tree does not have."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for the ranges the RFC recursion produces (``start`` aligned to the split)."""
    size = end - start
    if size <= 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0 and start % size == 0:
        return source(size.bit_length() - 1, start // size)
    k = _split(size)
    return node_hash(subtree_hash(source, start, start + k), subtree_hash(source, start + k, end))


def root(source: NodeSource, size: int) -> bytes:
    return subtree_hash(source, 0, size)


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1 for the leaf at 0-based ``index`` in a tree of ``size``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:  # walk down; the sibling subtrees are collected leaf-upwards below
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_hash(source, start + k, end))
            end = start + k
        else:
            path.append(subtree_hash(source, start, start + k))
            start = start + k
    return path[::-1]


def consistency_proof(source: NodeSource, first: int, second: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 between tree sizes ``first`` <= ``second``."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    return _subproof(source, first, 0, second, True)


def _subproof(source: NodeSource, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [subtree_hash(source, start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(source, m, start, start + k, complete), subtree_hash(source, start + k, end)]
    return [*_subproof(source, m - k, start + k, end, False), subtree_hash(source, start, start + k)]


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2), used by the CLI and the witness ---------------------
def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes) -> bool:
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    if first > second or first <= 0:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is itself a node of the second
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


# --- an in-memory tree over all leaves: what a verifier recomputes from the entries ------------------
class MemoryTree:
    """All complete subtrees of a list of leaf hashes, level by level (about 2n hashes)."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; return the complete subtrees it finished as (level, index, hash)."""
        level, index, value = 0, self.size, leaf
        done = []
        while True:
            if len(self.levels) == level:
                self.levels.append([])
            self.levels[level].append(value)
            done.append((level, index, value))
            if index % 2 == 0:
                return done
            value = node_hash(self.levels[level][index - 1], value)
            level, index = level + 1, index // 2

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return root(self.node, self.size if size is None else size)


def completed_nodes(index: int) -> list[tuple[int, int]]:
    """The complete subtrees (level, index) that appending leaf ``index`` finishes, leaf first."""
    nodes, level = [(0, index)], 0
    while index % 2 == 1:
        index, level = index // 2, level + 1
        nodes.append((level, index))
    return nodes


def needed_nodes(compute: Callable[[NodeSource], object]) -> set[tuple[int, int]]:
    """Which stored nodes ``compute`` reads: the tree's shape alone decides, so one dry run finds them
    and the caller fetches them in one query."""
    seen: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return EMPTY_ROOT

    compute(record)
    return seen
