"""Planner statistics: the hourly job on both databases, and after bulk work for the tables it changed."""

from __future__ import annotations

import pytest
from django.db import connection

from resonanz.community.tests.factories import thread_factory
from resonanz.core.tasks import refresh_planner_statistics

pytestmark = pytest.mark.django_db


def analyzed_rows(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            # ANALYZE inside the test's transaction is visible to it; autovacuum is off on this machine.
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = %s", [table])
        return int(cursor.fetchone()[0])


def test_statistics_are_written_on_both_databases(brand):
    thread_factory(brand, replies=3)
    assert refresh_planner_statistics() is True
    assert analyzed_rows("community_post") > 0


def test_statistics_of_named_tables_only(brand):
    thread_factory(brand, replies=3)
    assert refresh_planner_statistics(tables=["community_thread"]) is True
    assert analyzed_rows("community_thread") > 0
