"""Distinct counts of participants that can be merged over any period — pure numpy, no Django.

A day (or month) of one channel keeps the exact set of participant keys while it is small (at most
``SPARSE_MAX`` keys) and a HyperLogLog sketch (2^13 registers, standard error 1.15 %) beyond that. The
union of several units is exact while every unit is exact and the union has at most ``EXACT_UNION_MAX``
keys, an estimate otherwise — so small and mid-sized brands get exact numbers, and the largest still
get an answer in milliseconds instead of a distinct count over millions of rows. Both representations
depend only on the set of keys, so the order in which rows arrive cannot change them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

P = 13
M = 1 << P
SPARSE_MAX = 1024
EXACT_UNION_MAX = 200_000
_ALPHA = 0.7213 / (1 + 1.079 / M)


@dataclass
class Unit:
    """One stored unit: ``keys`` (sorted, exact) or ``registers`` (dense), never both."""

    keys: np.ndarray | None = None
    registers: np.ndarray | None = None

    @property
    def exact(self) -> bool:
        return self.keys is not None

    def add(self, keys: Iterable[int]) -> Unit:
        """A new unit with ``keys`` added (switches to registers past ``SPARSE_MAX`` keys)."""
        fresh = np.unique(np.fromiter(keys, dtype=np.int64))
        if self.keys is not None:
            merged = np.union1d(self.keys, fresh)
            return Unit(keys=merged) if len(merged) <= SPARSE_MAX else Unit(registers=registers_of(merged))
        if self.registers is not None:
            return Unit(registers=np.maximum(self.registers, registers_of(fresh)))
        return Unit(keys=fresh) if len(fresh) <= SPARSE_MAX else Unit(registers=registers_of(fresh))

    def dump(self) -> tuple[bytes | None, bytes | None]:
        """(keys, registers) as stored: raw little-endian int64 keys, zlib-compressed registers."""
        if self.keys is not None:
            return self.keys.astype("<i8").tobytes(), None
        assert self.registers is not None
        return None, zlib.compress(self.registers.astype(np.uint8).tobytes(), 1)

    @classmethod
    def load(cls, keys: bytes | memoryview | None, registers: bytes | memoryview | None) -> Unit:
        if keys is not None:
            return cls(keys=np.frombuffer(bytes(keys), dtype="<i8").astype(np.int64))
        if registers is not None:
            return cls(registers=np.frombuffer(zlib.decompress(bytes(registers)), dtype=np.uint8).copy())
        return cls(keys=np.zeros(0, dtype=np.int64))


def _leading_zeros(values: np.ndarray) -> np.ndarray:
    """Leading zero bits of unsigned 64-bit values (64 for zero), vectorised by halving."""
    values = values.astype(np.uint64)
    zeros = np.zeros(values.shape, dtype=np.int64)
    for shift in (32, 16, 8, 4, 2, 1):
        empty = values < (np.uint64(1) << np.uint64(64 - shift))
        zeros += np.where(empty, shift, 0)
        values = np.where(empty, values << np.uint64(shift), values)
    return zeros + (values == 0)


def registers_of(keys: np.ndarray) -> np.ndarray:
    """The HyperLogLog registers of a set of 64-bit keys (already uniformly distributed hashes)."""
    hashed = np.asarray(keys, dtype=np.int64).view(np.uint64)
    index = (hashed >> np.uint64(64 - P)).astype(np.int64)
    rest = (hashed << np.uint64(P)) | (np.uint64(1) << np.uint64(P - 1))  # the guard bit caps rho
    rho = (_leading_zeros(rest) + 1).astype(np.uint8)
    registers = np.zeros(M, dtype=np.uint8)
    np.maximum.at(registers, index, rho)
    return registers


def estimate(registers: np.ndarray) -> float:
    """HyperLogLog estimate with linear counting for small cardinalities (64-bit hashes: no large range)."""
    raw = _ALPHA * M * M / float(np.sum(np.power(2.0, -registers.astype(np.float64))))
    empty = int(np.count_nonzero(registers == 0))
    if raw <= 2.5 * M and empty:
        return M * float(np.log(M / empty))
    return raw


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool


def count_union(units: Iterable[Unit]) -> Count:
    """How many distinct keys the units hold together."""
    units = list(units)
    if all(u.exact for u in units):
        sizes = sum(len(u.keys) for u in units if u.keys is not None)
        if sizes <= EXACT_UNION_MAX:
            keys = [u.keys for u in units if u.keys is not None and len(u.keys)]
            return Count(len(np.unique(np.concatenate(keys))) if keys else 0, True)
    merged = np.zeros(M, dtype=np.uint8)
    for unit in units:
        part = unit.registers if unit.registers is not None else registers_of(unit.keys)  # type: ignore[arg-type]
        np.maximum(merged, part, out=merged)
    return Count(round(estimate(merged)), False)
