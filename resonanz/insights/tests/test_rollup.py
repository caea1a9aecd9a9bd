"""The rollups: incremental consumption in any number of steps equals a rebuild from scratch."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from resonanz.insights import rollup
from resonanz.insights.models import (
    DailyCount,
    Participant,
    ParticipantSketch,
    ResponseBin,
    ResponseFact,
    RollupCursor,
    WindowCount,
)
from resonanz.insights.sketches import Unit
from resonanz.insights.tests import factories as f


def _sketch(keys, registers) -> tuple:
    unit = Unit.load(keys, registers)
    return tuple(unit.keys) if unit.keys is not None else ("hll", bytes(unit.registers))


def snapshot() -> dict[str, set[tuple]]:
    return {
        "daily": set(
            DailyCount.objects.exclude(count=0).values_list(
                "brand_id", "grain", "day", "channel_id", "metric", "key", "count"
            )
        ),
        "bins": set(
            ResponseBin.objects.exclude(count=0).values_list(
                "brand_id", "grain", "topic", "day", "channel_id", "bin", "criticism", "count"
            )
        ),
        "windows": set(
            WindowCount.objects.exclude(total=0).values_list(
                "brand_id", "start", "total", "negative", "negative_expected_milli"
            )
        ),
        "facts": set(
            ResponseFact.objects.values_list(
                "conversation_id",
                "cycle_start",
                "seconds",
                "business_seconds",
                "bin",
                "criticism",
                "sentiment_before",
                "sentiment_after",
                "topics",
            )
        ),
        "participants": set(
            Participant.objects.values_list("brand_id", "key", "channel_id", "first_seen", "first_day")
        ),
        "sketches": {
            (b, g, d, c, _sketch(k, r))
            for b, g, d, c, k, r in ParticipantSketch.objects.values_list(
                "brand_id", "grain", "day", "channel_id", "keys", "registers"
            )
        },
    }


def random_traffic(brand, other_brand, agent, *, seed: int, conversations: int = 40) -> None:
    rng = random.Random(seed)
    channels = [
        f.channel(brand, "Mastodon"),
        f.channel(brand, "Mail", "email"),
        f.channel(other_brand, "Feed", "rss"),
    ]
    for n in range(conversations):
        start = f.at(1 + rng.randrange(20), rng.randrange(24), rng.randrange(60))
        conv = f.conversation(rng.choice(channels), start)
        moment = start
        for _ in range(rng.randrange(1, 6)):
            kind = rng.choice(["in", "in", "out", "bot", "reopen"])
            if kind == "in":
                # a third carry the label contract: calibrated scores, sometimes an abstention
                contract = {}
                if rng.random() < 0.33:
                    p_negative = round(rng.random(), 3)
                    contract = {
                        "sentiment_scores": {"negative": p_negative, "neutral": round(1 - p_negative, 3)},
                        "uncertain": ["sentiment"] if p_negative < 0.6 else [],
                    }
                f.customer(
                    conv,
                    moment,
                    **contract,
                    sentiment=rng.choice(["negative", "neutral", "positive", "uncertain"]),
                    criticism=rng.random() < 0.3,
                    abuse=rng.random() < 0.1,
                    topics=rng.sample(["punctuality", "ticketing", "service"], rng.randrange(3)),
                    handle=f"k{rng.randrange(15)}",
                )
            elif kind in ("out", "bot"):
                f.answer(conv, moment, automated=kind == "bot", by=agent if kind == "out" else None)
            else:
                f.reopen(conv, moment, by=agent)
            moment += timedelta(minutes=rng.randrange(1, 300))
        if n % 7 == 0:  # history that arrives late: an older message inserted after newer ones
            f.customer(conv, start - timedelta(hours=3), sentiment="negative", handle="late")


def test_incremental_in_several_steps_equals_rebuild(brand, other_brand, agent):
    random_traffic(brand, other_brand, agent, seed=1)
    while rollup.consume(batch_size=7):
        pass
    random_traffic(brand, other_brand, agent, seed=2, conversations=15)  # more rows after the first steps
    rollup.consume_all(batch_size=13)
    incremental = snapshot()
    assert all(incremental.values()), [name for name, rows in incremental.items() if not rows]
    rollup.rebuild()
    assert snapshot() == incremental


def test_incremental_with_business_hours_equals_rebuild(brand, other_brand, agent, manager):
    from resonanz.insights.brand_settings import update_insights_settings

    update_insights_settings(brand, by=manager, business_hours=True, business_start=8, business_end=18)
    random_traffic(brand, other_brand, agent, seed=5)
    while rollup.consume(batch_size=11):
        pass
    incremental = snapshot()
    assert any(fact[3] is not None for fact in incremental["facts"])
    rollup.rebuild()
    assert snapshot() == incremental


def test_a_changed_time_zone_or_business_hours_rebuilds_the_brand(brand, other_brand, agent, manager):
    from resonanz.insights.brand_settings import update_insights_settings

    random_traffic(brand, other_brand, agent, seed=6)
    rollup.consume_all()
    brand.timezone = "America/New_York"
    brand.save(update_fields=["timezone"])
    update_insights_settings(brand, by=manager, business_hours=True)
    rollup.consume_all()  # nothing new: the consumer still brings the brand up to date
    after = snapshot()
    rollup.rebuild()
    assert snapshot() == after
    assert any(fact[3] is not None for fact in after["facts"])


def test_rebuild_of_one_brand_leaves_the_other_alone_and_agrees(brand, other_brand, agent):
    random_traffic(brand, other_brand, agent, seed=3)
    rollup.consume_all()
    before = snapshot()
    rollup.rebuild(brand=brand)
    assert snapshot() == before


def test_consuming_again_changes_nothing(brand, other_brand, agent):
    random_traffic(brand, other_brand, agent, seed=4, conversations=10)
    rollup.consume_all()
    once = snapshot()
    assert rollup.consume() == 0
    assert snapshot() == once


def test_a_row_that_commits_late_below_the_cursor_is_still_counted(brand, agent):
    conv = f.conversation(f.channel(brand), f.at(5, 10))
    first = f.customer(conv, f.at(5, 10))
    second = f.customer(conv, f.at(5, 11))
    rollup.consume_all()
    # Simulate PostgreSQL handing out id N before N-1 commits: hide a row, then let it "commit".
    late = f.customer(conv, f.at(5, 12), sentiment="negative")
    newest = f.customer(conv, f.at(5, 13))
    late_id = late.pk
    late.delete()
    rollup.consume_all()
    assert str(late_id) in RollupCursor.objects.get(name=rollup.MESSAGES).gaps
    late.pk = late_id
    late.save(force_insert=True)
    rollup.consume_all()
    total = sum(DailyCount.objects.filter(metric="in", grain="d").values_list("count", flat=True))
    assert total == 4 and {first.pk, second.pk, newest.pk}
    assert str(late_id) not in RollupCursor.objects.get(name=rollup.MESSAGES).gaps


@pytest.mark.django_db
def test_an_empty_database_consumes_nothing():
    assert rollup.consume_all() == 0
