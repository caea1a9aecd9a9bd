"""The cycle rules and KPI formulas as pure functions, on hand-computed examples."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from resonanz.insights.cycles import BusinessHours, Item, bin_of, cycles_of
from resonanz.insights.kpis import improved, on_track, quantile, rate, response_figures, trend

T0 = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)


def m(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_first_human_answer_ends_the_cycle():
    [cycle] = cycles_of([Item(m(0), "in", 1, "negative", True), Item(m(45), "out", 2), Item(m(90), "out", 3)])
    assert cycle.seconds == 45 * 60
    assert cycle.criticism and cycle.sentiment_before == "negative"


def test_customer_writing_again_after_the_answer_starts_a_new_cycle_and_judges_the_turnaround():
    cycles = cycles_of(
        [
            Item(m(0), "in", 1, "negative"),
            Item(m(10), "out", 2),
            Item(m(60), "in", 3, "positive"),
        ]
    )
    assert [c.seconds for c in cycles] == [600, None]
    assert cycles[0].sentiment_after == "positive"
    assert improved(cycles[0].sentiment_before, cycles[0].sentiment_after) is True


def test_reopening_by_hand_measures_anew_and_leaves_the_superseded_cycle_unanswered():
    cycles = cycles_of([Item(m(0), "in", 1), Item(m(100), "reopen", 1), Item(m(130), "out", 2)])
    assert [(c.start, c.seconds) for c in cycles] == [(m(0), None), (m(100), 30 * 60)]


def test_pipeline_reopening_at_the_same_instant_as_the_message_is_one_cycle():
    cycles = cycles_of(
        [
            Item(m(0), "in", 1),
            Item(m(5), "out", 2),
            Item(m(50), "in", 3, "negative"),
            Item(m(50), "reopen", 9),
            Item(m(80), "out", 4),
        ]
    )
    assert [(c.start, c.seconds, c.sentiment_before) for c in cycles] == [
        (m(0), 300, ""),
        (m(50), 1800, "negative"),
    ]


def test_order_of_arrival_does_not_matter():
    items = [
        Item(m(0), "in", 1, "negative"),
        Item(m(20), "out", 2),
        Item(m(30), "in", 3, "neutral"),
        Item(m(31), "reopen", 4),
        Item(m(40), "out", 5),
    ]
    assert cycles_of(items) == cycles_of(list(reversed(items)))


def test_brand_messages_before_any_customer_message_open_no_cycle():
    assert cycles_of([Item(m(0), "out", 1)]) == []


def test_quantiles_interpolate_linearly():
    values = [60, 120, 300, 600]
    assert quantile(values, 0.5) == 210
    assert quantile(values, 0.9) == pytest.approx(510)
    assert quantile([42], 0.9) == 42
    assert quantile([], 0.5) is None


def test_rates_of_an_empty_base_are_undefined_not_zero():
    assert rate(0, 0) is None
    assert rate(1, 3) == 33.3


def test_reference_figures_on_a_hand_computed_set():
    class F:
        def __init__(self, seconds, criticism=False, before="", after=""):
            self.seconds, self.criticism, self.sentiment_before, self.sentiment_after = (
                seconds,
                criticism,
                before,
                after,
            )

    facts = [
        F(600, True, "negative", "neutral"),
        F(1800, True, "negative", "negative"),
        F(None, True),
        F(7200, False, "neutral", "positive"),
        F(None),
    ]
    figures = response_figures(facts, within_seconds=3600)
    assert (figures.cycles, figures.answered, figures.response_rate) == (5, 3, 60.0)
    assert figures.median_seconds == 1800
    assert figures.criticism_answered_share == 66.7 and figures.criticism_in_time_share == 66.7
    assert (figures.turnaround_base, figures.turnaround_improved) == (3, 2)


def test_business_hours_skip_nights_and_weekends_in_the_brand_time_zone():
    hours = BusinessHours(tz="Europe/Berlin", days=frozenset(range(5)), start_hour=9, end_hour=17)
    friday = datetime(2026, 10, 16, 14, 30, tzinfo=UTC)  # 16:30 in Berlin (CEST)
    monday = datetime(2026, 10, 19, 7, 30, tzinfo=UTC)  # 09:30 in Berlin
    assert hours.seconds_between(friday, monday) == 3600


def test_response_time_classes_have_round_inclusive_upper_bounds():
    from resonanz.insights.cycles import EDGES, bin_bounds

    assert bin_of(0) == 0 and bin_of(1) == 1 and bin_of(None) is None
    assert bin_of(7200) == EDGES.index(7200) and bin_of(7201) == EDGES.index(7200) + 1
    assert bin_bounds(bin_of(1800)) == (1500.0, 1800.0)  # 25-30 min, 30 min included
    assert bin_of(10**9) == len(EDGES) and bin_bounds(len(EDGES))[1] == float("inf")
    minute, three_days = EDGES.index(60), EDGES.index(259200)
    widths = [b / a for a, b in itertools.pairwise(EDGES[minute : three_days + 1])]
    assert max(widths) <= 1.5


def test_on_track_and_trend_follow_the_direction_of_the_metric():
    assert on_track("response_rate", 91.0, 90) is True
    assert on_track("median_first_response", 35.0, 30) is False
    assert on_track("response_rate", None, 90) is None
    assert trend(2.0, 1.0) == "up" and trend(1.0, 1.0) == "flat" and trend(None, 1.0) is None
