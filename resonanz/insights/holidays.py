"""German public holidays, nationwide and per federal state, for business hours.

Computed here rather than taken from a package: the rules are few and stable, and this keeps the
dependency list short. Easter Sunday comes from the anonymous Gregorian algorithm (Meeus/Jones/Butcher,
a refinement of Gauss's); every movable feast is an offset from it. Holidays that only some
municipalities of a state keep (Fronleichnam in parts of Saxony and Thuringia, Mariä Himmelfahrt in the
Catholic communities of Bavaria, the Augsburg Friedensfest) are left out: a brand in such a place can
take that day off its business days only by hand. Sundays (Ostersonntag, Pfingstsonntag in Brandenburg)
are listed for completeness even though business days rarely include them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

# Federal states by their ISO 3166-2:DE code, as the brand setting stores them.
STATES = {
    "BW": _("Baden-Württemberg"),
    "BY": _("Bavaria"),
    "BE": _("Berlin"),
    "BB": _("Brandenburg"),
    "HB": _("Bremen"),
    "HH": _("Hamburg"),
    "HE": _("Hesse"),
    "MV": _("Mecklenburg-Western Pomerania"),
    "NI": _("Lower Saxony"),
    "NW": _("North Rhine-Westphalia"),
    "RP": _("Rhineland-Palatinate"),
    "SL": _("Saarland"),
    "SN": _("Saxony"),
    "ST": _("Saxony-Anhalt"),
    "SH": _("Schleswig-Holstein"),
    "TH": _("Thuringia"),
}


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (anonymous algorithm, Meeus 'Astronomical Algorithms')."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _repentance_day(year: int) -> date:
    """Buß- und Bettag: the Wednesday before 23 November (so between the 16th and the 22nd)."""
    day = date(year, 11, 22)
    return day - timedelta(days=(day.weekday() - 2) % 7)


@lru_cache(maxsize=256)
def holidays(year: int, state: str = "") -> frozenset[date]:
    """The public holidays of ``year`` in ``state`` (ISO code; empty: the nationwide ones only)."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),  # Neujahr
        easter - timedelta(days=2),  # Karfreitag
        easter + timedelta(days=1),  # Ostermontag
        date(year, 5, 1),  # Tag der Arbeit
        easter + timedelta(days=39),  # Christi Himmelfahrt
        easter + timedelta(days=50),  # Pfingstmontag
        date(year, 10, 3),  # Tag der Deutschen Einheit
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year == 2017:
        days.add(date(2017, 10, 31))  # 500 years of the Reformation: once nationwide
    if state in {"BW", "BY", "ST"}:
        days.add(date(year, 1, 6))  # Heilige Drei Könige
    if state == "BE" and year in (2020, 2025):
        days.add(date(year, 5, 8))  # Tag der Befreiung, 75 and 80 years: once each
    if (state == "BE" and year >= 2019) or (state == "MV" and year >= 2023):
        days.add(date(year, 3, 8))  # Internationaler Frauentag
    if state == "BB":
        days |= {easter, easter + timedelta(days=49)}  # Oster- und Pfingstsonntag
    if state in {"BW", "BY", "HE", "NW", "RP", "SL"}:
        days.add(easter + timedelta(days=60))  # Fronleichnam
    if state == "SL":
        days.add(date(year, 8, 15))  # Mariä Himmelfahrt
    if state == "TH" and year >= 2019:
        days.add(date(year, 9, 20))  # Weltkindertag
    if state in {"BB", "MV", "SN", "ST", "TH"} or (state in {"HB", "HH", "NI", "SH"} and year >= 2018):
        days.add(date(year, 10, 31))  # Reformationstag
    if state in {"BW", "BY", "NW", "RP", "SL"}:
        days.add(date(year, 11, 1))  # Allerheiligen
    if state == "SN":
        days.add(_repentance_day(year))  # Buß- und Bettag
    return frozenset(days)


def is_holiday(day: date, state: str = "") -> bool:
    return day in holidays(day.year, state)
