"""Additive upserts of rollup rows in one portable statement (SQLite ≥ 3.24 and PostgreSQL alike).

Django's ``bulk_create(update_conflicts=True)`` can only overwrite, not add, so the increments are
written as ``INSERT … ON CONFLICT … DO UPDATE SET count = count + excluded.count``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection

from resonanz.insights.models import HourlyCount, Participant, ParticipantDay, WindowCount

CHUNK = 2000


# The statements below are built from quoted table/column names of our own models, never from input;
# every value is a query parameter (hence the S608 exemptions).
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _dt(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _d(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _execute(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def add_hourly(counts: dict[tuple[int, str, datetime, int, str], int]) -> None:
    """``counts``: (brand, metric, hour, channel, key) → increment (may be negative)."""
    table = _q(HourlyCount._meta.db_table)
    sql = (
        f"INSERT INTO {table} (brand_id, metric, hour, channel_id, {_q('key')}, {_q('count')}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (brand_id, metric, hour, channel_id, {_q('key')}) "
        f"DO UPDATE SET {_q('count')} = {table}.{_q('count')} + excluded.{_q('count')}"
    )
    rows = [(b, m, _dt(h), c, k, n) for (b, m, h, c, k), n in sorted(counts.items()) if n]
    _execute(sql, rows)


def add_windows(counts: dict[tuple[int, datetime], list[int]]) -> None:
    """``counts``: (brand, window start) → [total, negative] increments."""
    table = _q(WindowCount._meta.db_table)
    sql = (
        f"INSERT INTO {table} (brand_id, start, total, negative) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (brand_id, start) DO UPDATE SET total = {table}.total + excluded.total, "
        f"negative = {table}.negative + excluded.negative"
    )
    _execute(sql, [(b, _dt(s), t, n) for (b, s), (t, n) in sorted(counts.items())])


def add_participants(first_seen: dict[tuple[int, int], tuple[datetime, date]]) -> None:
    """Keep the earliest sighting of each participant, whatever order the rows come in."""
    table = _q(Participant._meta.db_table)
    earlier = f"excluded.first_seen < {table}.first_seen"
    sql = (
        f"INSERT INTO {table} (brand_id, {_q('key')}, first_seen, first_day) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (brand_id, {_q('key')}) DO UPDATE SET "
        f"first_day = CASE WHEN {earlier} THEN excluded.first_day ELSE {table}.first_day END, "
        f"first_seen = CASE WHEN {earlier} THEN excluded.first_seen ELSE {table}.first_seen END"
    )
    _execute(sql, [(b, k, _dt(s), _d(d)) for (b, k), (s, d) in sorted(first_seen.items())])


def add_participant_days(days: Iterable[tuple[int, date, int, int]]) -> None:
    table = _q(ParticipantDay._meta.db_table)
    sql = (
        f"INSERT INTO {table} (brand_id, day, channel_id, {_q('key')}) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (brand_id, day, channel_id, {_q('key')}) DO NOTHING"
    )
    _execute(sql, [(b, _d(d), c, k) for b, d, c, k in sorted(days)])
