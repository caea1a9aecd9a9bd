"""Participant sets: exact while small, HyperLogLog beyond; order of arrival never matters."""

from __future__ import annotations

import numpy as np

from resonanz.insights.sketches import EXACT_UNION_MAX, SPARSE_MAX, Unit, count_union

RNG = np.random.default_rng(6)


def keys(n: int) -> np.ndarray:
    return RNG.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64)


def test_small_sets_are_exact_and_merge_exactly():
    a, b = keys(300), keys(300)
    both = np.concatenate([a[:100], b])  # 100 people wrote on both days
    day1, day2 = Unit().add(a), Unit().add(both)
    assert day1.exact and count_union([day1]).value == 300
    assert count_union([day1, day2]).value == 600 and count_union([day1, day2]).exact


def test_a_busy_unit_switches_to_registers_and_estimates_within_three_percent():
    many = keys(50_000)
    unit = Unit().add(many[:SPARSE_MAX]).add(many[SPARSE_MAX:])
    assert not unit.exact
    found = count_union([unit])
    assert not found.exact and abs(found.value - 50_000) / 50_000 < 0.03


def test_arrival_order_and_batching_give_the_same_unit():
    many = keys(5_000)
    one = Unit().add(many)
    pieces = Unit()
    for start in range(0, 5_000, 700):
        pieces = pieces.add(many[::-1][start : start + 700])
    assert one.dump() == pieces.dump()


def test_dump_and_load_round_trip():
    for unit in (Unit().add(keys(10)), Unit().add(keys(5_000))):
        again = Unit.load(*unit.dump())
        assert again.dump() == unit.dump()
    assert count_union([Unit.load(None, None)]).value == 0


def test_very_large_exact_unions_become_estimates():
    units = [Unit().add(keys(SPARSE_MAX)) for _ in range(EXACT_UNION_MAX // SPARSE_MAX + 2)]
    found = count_union(units)
    total = SPARSE_MAX * len(units)
    assert not found.exact and abs(found.value - total) / total < 0.03
