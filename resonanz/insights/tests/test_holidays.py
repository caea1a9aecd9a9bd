"""German public holidays per federal state, and business hours that skip them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from resonanz.core.errors import InvalidInput
from resonanz.insights import rollup
from resonanz.insights.brand_settings import update_insights_settings
from resonanz.insights.cycles import BusinessHours
from resonanz.insights.holidays import STATES, easter_sunday, holidays, is_holiday
from resonanz.insights.models import InsightsSettings, ResponseFact
from resonanz.insights.tests import factories as f


@pytest.mark.parametrize(
    ("year", "expected"),
    [(1961, date(1961, 4, 2)), (2000, date(2000, 4, 23)), (2019, date(2019, 4, 21)),
     (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


@pytest.mark.parametrize("state", ["", *STATES])
def test_nationwide_holidays_2026_everywhere(state):
    for day in ["01-01", "04-03", "04-06", "05-01", "05-14", "05-25", "10-03", "12-25", "12-26"]:
        assert is_holiday(date.fromisoformat(f"2026-{day}"), state), (state, day)
    assert not is_holiday(date(2026, 4, 7), state)  # the Tuesday after Easter is a working day


def _states_with(day: date) -> set[str]:
    return {state for state in STATES if is_holiday(day, state)}


def test_state_holidays_2026():
    assert _states_with(date(2026, 6, 4)) == {"BW", "BY", "HE", "NW", "RP", "SL"}  # Fronleichnam
    assert not is_holiday(date(2026, 6, 4), "BE") and not is_holiday(date(2026, 6, 4), "")
    assert "SN" in _states_with(date(2026, 10, 31))  # Reformationstag
    assert _states_with(date(2026, 10, 31)) == {"BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"}
    assert _states_with(date(2026, 11, 18)) == {"SN"}  # Buß- und Bettag
    assert _states_with(date(2026, 11, 1)) == {"BW", "BY", "NW", "RP", "SL"}  # Allerheiligen
    assert _states_with(date(2026, 1, 6)) == {"BW", "BY", "ST"}  # Heilige Drei Könige
    assert _states_with(date(2026, 3, 8)) == {"BE", "MV"}  # Frauentag
    assert _states_with(date(2026, 9, 20)) == {"TH"}  # Weltkindertag
    assert _states_with(date(2026, 8, 15)) == {"SL"}  # Mariä Himmelfahrt


def test_rules_that_changed_over_the_years():
    assert is_holiday(date(2017, 10, 31), "BY")  # Reformation anniversary: once nationwide
    assert not is_holiday(date(2018, 10, 31), "BY") and is_holiday(date(2018, 10, 31), "NI")
    assert not is_holiday(date(2016, 10, 31), "HH")
    assert not is_holiday(date(2022, 3, 8), "MV") and is_holiday(date(2023, 3, 8), "MV")
    assert is_holiday(date(2025, 5, 8), "BE") and not is_holiday(date(2026, 5, 8), "BE")
    # Buß- und Bettag is always the Wednesday between 16 and 22 November
    for year in range(2020, 2040):
        [day] = [d for d in holidays(year, "SN") if d.month == 11 and d.day > 1]
        assert day.weekday() == 2 and 16 <= day.day <= 22


# Wednesday 3 June 2026, 16:00 in Berlin (CEST) to Friday 5 June, 10:00; Thursday is Fronleichnam.
ASKED = datetime(2026, 6, 3, 14, tzinfo=UTC)
ANSWERED = datetime(2026, 6, 5, 8, tzinfo=UTC)


def _hours(state: str | None) -> BusinessHours:
    return BusinessHours("Europe/Berlin", frozenset(range(5)), 9, 17, holiday_state=state)


def test_business_hours_skip_the_holidays_of_the_state():
    assert _hours(None).seconds_between(ASKED, ANSWERED) == 10 * 3600  # no holidays at all
    assert _hours("").seconds_between(ASKED, ANSWERED) == 10 * 3600  # nationwide: Thursday is a workday
    assert _hours("BE").seconds_between(ASKED, ANSWERED) == 10 * 3600
    assert _hours("BY").seconds_between(ASKED, ANSWERED) == 2 * 3600
    easter = BusinessHours("Europe/Berlin", frozenset(range(5)), 9, 17, holiday_state="")
    # Thursday before Easter 16:00 to Tuesday after 10:00: Good Friday and Easter Monday are closed
    assert easter.seconds_between(
        datetime(2026, 4, 2, 14, tzinfo=UTC), datetime(2026, 4, 7, 8, tzinfo=UTC)
    ) == (2 * 3600)


@pytest.mark.django_db
def test_changing_the_state_recomputes_response_times(brand, agent, manager):
    conv = f.conversation(f.channel(brand), ASKED)
    f.customer(conv, ASKED)
    f.answer(conv, ANSWERED, by=agent)
    update_insights_settings(brand, by=manager, business_hours=True, holiday_state="BY")
    rollup.consume_all()
    assert ResponseFact.objects.get().business_seconds == 2 * 3600
    update_insights_settings(brand, by=manager, holiday_state="BE")
    rollup.consume_all()
    assert ResponseFact.objects.get().business_seconds == 10 * 3600


@pytest.mark.django_db
def test_unknown_state_is_refused_and_nothing_changes(brand, manager):
    update_insights_settings(brand, by=manager, holiday_state="NW")
    with pytest.raises(InvalidInput) as caught:
        update_insights_settings(brand, by=manager, holiday_state="XX", business_start=8)
    assert "holiday_state" in caught.value.errors
    stored = InsightsSettings.objects.get(brand=brand)
    assert (stored.holiday_state, stored.business_start) == ("NW", 9)


@pytest.mark.django_db
def test_settings_page_sets_the_state(client, brand, manager):
    client.force_login(manager)
    page = reverse("insights:settings", args=[brand.slug])
    assert 'name="holiday_state"' in client.get(page).content.decode()
    response = client.post(
        page,
        {
            "business_hours": "on",
            "business_start": 9,
            "business_end": 17,
            "business_days": ["0", "1", "2", "3", "4"],
            "holiday_state": "SN",
            "report_frequency": "monthly",
        },
    )
    assert response.status_code == 302
    assert InsightsSettings.objects.get(brand=brand).holiday_state == "SN"
