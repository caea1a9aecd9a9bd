"""The daily retention job."""

from __future__ import annotations

from django_tasks import task

from resonanz.core.queues import DEFAULT


@task(queue_name=DEFAULT)
def apply_retention_task() -> int:
    """Daily: delete or anonymise what is past each brand's retention period; returns how many records."""
    from resonanz.privacy.retention import apply_retention

    return apply_retention().total
