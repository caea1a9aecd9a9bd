"""Multi-row INSERTs and batched UPDATEs for the ingestion hot path, without the ORM's per-value SQL
compilation.

``bulk_create`` compiles every value of every row through the query compiler, which costs more than the
database work itself at ingestion rates. The same statement (``INSERT … VALUES (…), (…) RETURNING id``,
the one Django issues) is built here once per chunk; values are prepared per field only where the
database needs it (JSON, dates). Both SQLite (≥ 3.35) and PostgreSQL return the ids in row order, which
Django's own bulk_create relies on as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models

CHUNK_ROWS = 800  # times the fields stays below SQLite's 32766 variables per statement


def _preparers(fields: Sequence[models.Field[Any, Any]]) -> list[Any]:
    """Per field: None (pass the Python value as is) or a function preparing it for the database."""
    plain = (models.IntegerField, models.CharField, models.TextField, models.BooleanField, models.ForeignKey)
    result: list[Any] = []
    for field in fields:
        if isinstance(field, plain) and not isinstance(field, models.JSONField):
            result.append(None)
        elif isinstance(field, models.DateTimeField):
            result.append(_datetime_preparer())
        else:
            result.append(lambda value, field=field: field.get_db_prep_save(value, connection))
    return result


def _as_utc_text(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _datetime_preparer() -> Any:
    """What Django does for aware datetimes, minus its checks: SQLite stores naive UTC text (the
    connection's time zone is UTC with USE_TZ), PostgreSQL takes the aware value as it is."""
    if connection.vendor != "sqlite":
        return None
    if connection.timezone_name == "UTC":
        return _as_utc_text
    return connection.ops.adapt_datetimefield_value


def row_values(fields: Sequence[Any], preparers: Sequence[Any], obj: models.Model) -> list[Any]:
    values = []
    for field, prep in zip(fields, preparers, strict=True):
        value = getattr(obj, field.attname)
        values.append(value if prep is None or value is None else prep(value))
    return values


def _pk_column(model: type[models.Model]) -> str:
    pk = model._meta.pk
    assert pk is not None and pk.column is not None
    return connection.ops.quote_name(pk.column)


def update_rows(model: type[models.Model], objects: Sequence[models.Model], names: Sequence[str]) -> None:
    """One prepared UPDATE … WHERE id = %s run with executemany (bulk_update builds a CASE per field
    and row, which costs more than the rest of a batch together)."""
    if not objects:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    prepare = _preparers(fields)  # type: ignore[arg-type]
    assignments = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)  # type: ignore[union-attr]
    sql = f"UPDATE {meta.db_table} SET {assignments} WHERE {_pk_column(model)} = %s"  # noqa: S608 (model metadata)
    rows = [[*row_values(fields, prepare, obj), obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_rows(
    model: type[models.Model],
    objects: Sequence[models.Model],
    names: Sequence[str],
    *,
    returning: bool = True,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT ``objects`` (their ``names`` fields); with ``returning`` their ``pk`` is set from the ids."""
    if not objects:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    prepare = _preparers(fields)  # type: ignore[arg-type]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)  # type: ignore[union-attr]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        if not returning:
            # One short statement run for every row: the driver parses it once (psycopg in pipeline
            # mode), where a multi-row statement of 10,000 placeholders is parsed again every time.
            sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES {row_sql}{suffix}"  # noqa: S608 (model metadata)
            cursor.executemany(sql, [row_values(fields, prepare, obj) for obj in objects])
            return
        suffix += f" RETURNING {_pk_column(model)}"
        for start in range(0, len(objects), CHUNK_ROWS):
            chunk = objects[start : start + CHUNK_ROWS]
            params: list[Any] = []
            for obj in chunk:
                params += row_values(fields, prepare, obj)
            values = ", ".join([row_sql] * len(chunk))
            sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES {values}{suffix}"  # noqa: S608 (model metadata)
            cursor.execute(sql, params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias


def insert_new(
    model: type[models.Model], objects: Sequence[models.Model], names: Sequence[str], *, unique: Sequence[str]
) -> list[models.Model]:
    """INSERT … ON CONFLICT (``unique``) DO NOTHING: returns the objects actually inserted (pk set).

    Another worker may insert the same key between our read and this write; the database then waits for
    its commit and skips the row, and the caller loads that row instead of failing the batch.
    """
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    prepare = _preparers(fields)  # type: ignore[arg-type]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    key_fields = [meta.get_field(name) for name in unique]
    key_columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in key_fields)  # type: ignore[union-attr]
    by_key = {tuple(getattr(obj, f.attname) for f in key_fields): obj for obj in objects}  # type: ignore[union-attr]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted: list[models.Model] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objects), CHUNK_ROWS):
            chunk = objects[start : start + CHUNK_ROWS]
            params: list[Any] = []
            for obj in chunk:
                params += row_values(fields, prepare, obj)
            values = ", ".join([row_sql] * len(chunk))
            sql = (
                f"INSERT INTO {meta.db_table} ({columns}) VALUES {values} "  # noqa: S608 (model metadata)
                f"ON CONFLICT ({key_columns}) DO NOTHING RETURNING {_pk_column(model)}, {key_columns}"
            )
            cursor.execute(sql, params)
            for pk, *key in cursor.fetchall():
                obj = by_key[tuple(key)]
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
                inserted.append(obj)
    return inserted
