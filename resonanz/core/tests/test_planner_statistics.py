"""SQLite gets planner statistics from the hourly job; PostgreSQL keeps its own (autovacuum)."""

from __future__ import annotations

import pytest
from django.db import connection

from resonanz.community.tests.factories import thread_factory
from resonanz.core.tasks import refresh_planner_statistics

pytestmark = pytest.mark.django_db


def test_statistics_are_written_on_sqlite_only(brand):
    thread_factory(brand, replies=3)
    ran = refresh_planner_statistics()
    assert ran is (connection.vendor == "sqlite")
    if ran:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'community_post'")
            assert cursor.fetchone()[0] > 0
