"""Housekeeping tasks of the whole project."""

from __future__ import annotations

from django.db import connection
from django_tasks import task

# ANALYZE reads at most about this many rows per index: statistics good enough for the planner's choice
# of index, in milliseconds even for tables of millions of rows.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics() -> bool:
    """Give SQLite's query planner statistics (PostgreSQL's autovacuum keeps its own); True if it ran.

    Without them SQLite picks indexes by their shape alone, e.g. counted a thread's 20 posts by walking
    the brand's million posts (286 ms instead of 0.1 ms in benchmarks/web.py).
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True


@task()
def refresh_planner_statistics_task() -> bool:
    """Hourly: the tables grow, and the best index for a query changes with them."""
    return refresh_planner_statistics()
