"""Bulk writes of rollup rows in portable statements (SQLite ≥ 3.24 and PostgreSQL alike).

Django's ``bulk_create(update_conflicts=True)`` can only overwrite, not add, so increments are written as
``INSERT … ON CONFLICT … DO UPDATE SET count = count + excluded.count``; the ORM's per-object overhead
would also dominate at millions of rows, hence plain ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection

from resonanz.insights.models import (
    DailyCount,
    Participant,
    ParticipantSketch,
    ResponseBin,
    ResponseFact,
    WindowCount,
)

CHUNK = 2000
DailyKey = tuple[int, str, date, int, str, str]  # brand, grain, day, channel, metric, key
BinKey = tuple[int, str, str, date, int, int, bool]  # brand, grain, topic, day, channel, bin, criticism


# The statements below are built from quoted table/column names of our own models, never from input;
# every value is a query parameter (hence the S608 exemptions).
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def dt(value: datetime | None) -> Any:
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def d(value: date) -> Any:
    """Dates as the backend stores them (SQLite: ISO text; psycopg adapts ``date`` itself)."""
    return value.isoformat() if connection.vendor == "sqlite" else value


def _execute(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def _adding(table: str, columns: Sequence[str], key: Sequence[str], added: Sequence[str]) -> str:
    names = ", ".join(_q(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sets = ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in added)
    conflict = ", ".join(_q(c) for c in key)
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({conflict}) DO UPDATE SET {sets}"  # noqa: S608


def add_daily(counts: dict[DailyKey, int]) -> None:
    """Increments (which may be negative) of daily/monthly counts; zero increments are skipped."""
    table = _q(DailyCount._meta.db_table)
    columns = ["brand_id", "grain", "day", "channel_id", "metric", "key", "count"]
    sql = _adding(table, columns, ["brand_id", "grain", "metric", "day", "channel_id", "key"], ["count"])
    iso = connection.vendor == "sqlite"
    rows = [
        (b, g, day.isoformat() if iso else day, c, m, k, n)
        for (b, g, day, c, m, k), n in sorted(counts.items())
        if n
    ]
    _execute(sql, rows)


def add_bins(counts: dict[BinKey, int]) -> None:
    table = _q(ResponseBin._meta.db_table)
    columns = ["brand_id", "grain", "topic", "day", "channel_id", "bin", "criticism", "count"]
    sql = _adding(table, columns, columns[:-1], ["count"])
    iso = connection.vendor == "sqlite"
    rows = [
        (b, g, t, day.isoformat() if iso else day, c, k, crit, n)
        for (b, g, t, day, c, k, crit), n in sorted(counts.items())
        if n
    ]
    _execute(sql, rows)


def add_windows(counts: dict[tuple[int, datetime], list[int]]) -> None:
    """``counts``: (brand, window start) → [total, negative, expected negative in thousandths] increments."""
    table = _q(WindowCount._meta.db_table)
    added = ["total", "negative", "negative_expected_milli"]
    sql = _adding(table, ["brand_id", "start", *added], ["brand_id", "start"], added)
    _execute(sql, [(b, dt(s), t, n, e) for (b, s), (t, n, e) in sorted(counts.items())])


def set_participants(rows: Iterable[tuple[int, int, int, datetime, date]]) -> None:
    """(brand, key, channel, first seen, first day): written as given (the caller keeps the earliest)."""
    table = _q(Participant._meta.db_table)
    names = "brand_id, " + _q("key") + ", channel_id, first_seen, first_day"
    sql = (
        f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (brand_id, {_q('key')}, channel_id) DO UPDATE SET "
        "first_seen = excluded.first_seen, first_day = excluded.first_day"
    )
    _execute(sql, [(b, k, c, dt(s), d(day)) for b, k, c, s, day in sorted(rows)])


def set_sketches(rows: Iterable[tuple[int, str, date, int, bytes | None, bytes | None]]) -> None:
    table = _q(ParticipantSketch._meta.db_table)
    sql = (
        f"INSERT INTO {table} (brand_id, grain, day, channel_id, {_q('keys')}, registers) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (brand_id, grain, day, channel_id) DO UPDATE SET "
        f"{_q('keys')} = excluded.{_q('keys')}, registers = excluded.registers"
    )
    _execute(sql, [(b, g, d(day), c, k, r) for b, g, day, c, k, r in sorted(rows, key=lambda r: r[:4])])


FACT_COLUMNS = (
    "brand_id", "channel_id", "conversation_id", "cycle_start", "answered_at", "seconds",
    "business_seconds", "bin", "business_bin", "criticism", "sentiment_before", "sentiment_after", "topics",
)  # fmt: skip


def replace_facts(conversation_ids: Sequence[int], facts: Sequence[dict[str, Any]]) -> None:
    """Delete the facts of these conversations and insert ``facts`` (dicts keyed by FACT_COLUMNS)."""
    for start in range(0, len(conversation_ids), 500):
        ResponseFact.objects.filter(conversation_id__in=conversation_ids[start : start + 500]).delete()
    table = _q(ResponseFact._meta.db_table)
    names = ", ".join(_q(c) for c in FACT_COLUMNS)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(FACT_COLUMNS))})"  # noqa: S608
    rows = [
        tuple(dt(f[c]) if c in ("cycle_start", "answered_at") else f[c] for c in FACT_COLUMNS) for f in facts
    ]
    _execute(sql, rows)
