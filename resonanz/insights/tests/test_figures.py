"""KPI figures from the rollups on a hand-computed fixture (Berlin brand; the local day decides)."""

from __future__ import annotations

import pytest

from resonanz.insights import figures, response, rollup
from resonanz.insights.scope import scope_for
from resonanz.insights.tests import factories as f


@pytest.fixture
def october(brand, agent):
    """Eight measurement cycles start in October 2026 (Berlin); computed by hand in the test docstrings."""
    chan = f.channel(brand)
    h = f.conversation(chan, f.at(20, 10, month=9))
    f.customer(h, f.at(20, 10, month=9), handle="a")  # September: makes "a" a returning participant
    a = f.conversation(chan, f.at(5, 8))
    f.customer(a, f.at(5, 8), sentiment="negative", criticism=True, topics=["punctuality"], handle="a")
    f.answer(a, f.at(5, 8, 1), automated=True)  # the bot's receipt never counts
    f.answer(a, f.at(5, 8, 30), by=agent)  # 30 min
    f.customer(a, f.at(5, 9), sentiment="positive", handle="a")  # new cycle (unanswered); turnaround
    b = f.conversation(chan, f.at(6, 10))
    f.customer(b, f.at(6, 10), handle="b")
    f.assign(b, f.at(6, 10, 5), to=agent)  # assigned, never answered: unanswered
    c = f.conversation(chan, f.at(7, 12))
    f.customer(c, f.at(7, 12), sentiment="negative", criticism=True, topics=["punctuality"], handle="c")
    f.answer(c, f.at(7, 14), by=agent)  # 120 min
    d = f.conversation(chan, f.at(8, 9))
    f.customer(d, f.at(8, 9), sentiment="positive", handle="a")
    f.answer(d, f.at(8, 9, 10), by=agent)  # 10 min
    f.reopen(d, f.at(9, 9), by=agent)
    f.answer(d, f.at(9, 9, 20), by=agent)  # 20 min, measured anew
    e = f.conversation(chan, f.at(14, 23, 30))  # 01:30 on 15 October in Berlin
    f.customer(e, f.at(14, 23, 30), sentiment="negative", abuse=True, handle="e")
    f.answer(e, f.at(15, 0, 30), by=agent)  # 60 min
    first = f.conversation(chan, f.at(30, 23, 30, month=9))  # 01:30 on 1 October in Berlin
    f.customer(first, f.at(30, 23, 30, month=9), handle="f")
    f.answer(first, f.at(1, 0, 0), by=agent)  # 30 min
    last = f.conversation(chan, f.at(31, 23, 30))  # 00:30 on 1 November in Berlin (CET): not October
    f.customer(last, f.at(31, 23, 30), sentiment="negative", handle="g")
    rollup.consume_all()
    return chan


def test_response_figures_match_the_hand_computation(brand, october):
    """Cycles: A1 30', A2 open, B open, C 120', D1 10', D2 20', E 60', F 30' → 6 of 8 answered.

    Sorted 10, 20, 30, 30, 60, 120 min: median (30+30)/2 = 30 min; p90 at rank 4.5 → 60 + ½·60 = 90 min.
    """
    figures_ = response.response(scope_for(brand, "2026-10"), within_seconds=3600)
    assert (figures_.cycles, figures_.answered, figures_.response_rate) == (8, 6, 75.0)
    assert figures_.median_seconds == 30 * 60
    assert figures_.p90_seconds == 90 * 60
    assert (figures_.criticism, figures_.criticism_answered_share, figures_.criticism_in_time_share) == (
        2,
        100.0,
        50.0,
    )
    assert (figures_.turnaround_base, figures_.turnaround_improved, figures_.turnaround) == (1, 1, 100.0)


def test_sql_figures_agree_with_the_reference_formulas(brand, october):
    from resonanz.insights.kpis import response_figures

    scope = scope_for(brand, "2026-10")
    assert response.response(scope, within_seconds=3600) == response_figures(
        response.facts(scope), within_seconds=3600
    )


def test_an_empty_period_has_no_rates_and_no_medians(brand, october):
    figures_ = response.response(scope_for(brand, "2026-03"))
    assert (figures_.cycles, figures_.response_rate, figures_.median_seconds, figures_.turnaround) == (
        0,
        None,
        None,
        None,
    )
    scope = scope_for(brand, "2026-03")
    assert figures.sentiment_totals(scope) == {}
    assert figures.participants(scope) == {"active": 0, "new": 0, "returning": 0, "exact": True}
    assert figures.top_topics(scope) == []


def test_the_brand_time_zone_decides_the_day(brand, october):
    scope = scope_for(brand, "2026-10-14..2026-10-15")
    assert figures.sentiment_series(scope)["negative"] == [
        0,
        1,
    ]  # 23:30 UTC on the 14th is the 15th in Berlin
    assert figures.sentiment_totals(scope_for(brand, "2026-10")) == {
        "negative": 3,
        "positive": 2,
        "neutral": 2,
    }
    assert response.response(scope_for(brand, "2026-09")).cycles == 1  # only H; F belongs to October


def test_participants_new_and_returning(brand, october):
    assert figures.participants(scope_for(brand, "2026-10")) == {
        "active": 5,
        "new": 4,
        "returning": 1,
        "exact": True,
    }


def test_topics_criticism_and_channel_filter(brand, october):
    scope = scope_for(brand, "2026-10")
    assert figures.top_topics(scope)[0] | {} == {
        "topic": "punctuality",
        "total": 2,
        "negative": 2,
        "positive": 0,
        "neutral": 0,
        "uncertain": 0,
        "unlabelled": 0,
    }
    criticism = figures.criticism_abuse_series(scope)
    assert sum(criticism["criticism"]) == 2 and sum(criticism["abuse"]) == 1
    topic_scope = scope_for(brand, "2026-10", topic="punctuality")
    assert response.response(topic_scope).cycles == 2
    assert sum(figures.sentiment_series(topic_scope)["negative"]) == 2
    other = f.channel(brand, "Feed", "rss")
    assert response.response(scope_for(brand, "2026-10", channel_id=other.pk)).cycles == 0
    assert figures.by_channel(scope)[october.pk] == {"in": 7, "out": 6, "conversations": 6, "reach": 5}


def test_response_rate_series_counts_cycles_by_their_local_start_day(brand, october):
    series = response.response_rate_series(scope_for(brand, "2026-10"))
    assert series["cycles"][0] == 1 and series["answered"][0] == 1  # F, at 01:30 on 1 October
    assert sum(series["cycles"]) == 8 and sum(series["answered"]) == 6


def test_new_on_a_channel_and_first_contacts_that_arrive_late(brand):
    """Kim wrote on Mastodon in October; a mail of hers from September arrives (imported) later."""
    mastodon, mail = f.channel(brand, "Mastodon"), f.channel(brand, "Mail", "email")
    conv = f.conversation(mastodon, f.at(10, 9))
    f.customer(conv, f.at(10, 9), handle="kim")
    rollup.consume_all()
    october = scope_for(brand, "2026-10")
    assert figures.participants(october)["new"] == 1
    old = f.conversation(mail, f.at(20, 9, month=9))
    f.customer(old, f.at(20, 9, month=9), handle="kim")
    rollup.consume_all()
    # Not the same person for the rollups: a handle is per channel (accounts join channels, handles don't)
    assert figures.participants(october) == {"active": 1, "new": 1, "returning": 0, "exact": True}
    late = f.conversation(mastodon, f.at(25, 9, month=9))
    f.customer(late, f.at(25, 9, month=9), handle="kim")  # her first Mastodon post, stored after October's
    rollup.consume_all()
    assert figures.participants(october) == {"active": 1, "new": 0, "returning": 1, "exact": True}
    assert figures.participants(scope_for(brand, "2026-09"))["new"] == 2
    by_channel = scope_for(brand, "2026-10", channel_id=mastodon.pk)
    assert figures.participants(by_channel) == {"active": 1, "new": 0, "returning": 1, "exact": True}


def test_an_account_is_one_person_across_channels_and_new_on_a_channel(brand, member):
    community, mail = f.channel(brand, "Forum", "community"), f.channel(brand, "Mail", "email")
    for chan, when in ((community, f.at(20, 9, month=9)), (mail, f.at(10, 9))):
        message = f.customer(f.conversation(chan, when), when, handle=f"x{chan.pk}")
        message.author_user = member
        message.save(update_fields=["author_user"])
    rollup.consume_all()
    october = scope_for(brand, "2026-10")
    assert figures.participants(october) == {"active": 1, "new": 0, "returning": 1, "exact": True}
    on_mail = scope_for(brand, "2026-10", channel_id=mail.pk)
    assert figures.participants(on_mail) == {"active": 1, "new": 1, "returning": 0, "exact": True}


def test_a_half_hour_time_zone_gets_its_own_days(brand):
    brand.timezone = "Asia/Kolkata"  # UTC+5:30
    brand.save(update_fields=["timezone"])
    chan = f.channel(brand)
    f.customer(
        f.conversation(chan, f.at(14, 18, 45)), f.at(14, 18, 45), sentiment="negative"
    )  # 00:15 on 15th
    f.customer(
        f.conversation(chan, f.at(14, 18, 15)), f.at(14, 18, 15), sentiment="negative"
    )  # 23:45 on 14th
    rollup.consume_all()
    assert figures.sentiment_series(scope_for(brand, "2026-10-14..2026-10-15"))["negative"] == [1, 1]
