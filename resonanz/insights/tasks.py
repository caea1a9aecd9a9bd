"""Background tasks of insights: rollup maintenance and the periodic report mail. All idempotent."""

from __future__ import annotations

from django_tasks import task

from resonanz.core.queues import BULK, DEFAULT, URGENT
from resonanz.insights import rollup
from resonanz.insights.mailing import send_due_reports


@task(queue_name=URGENT)
def update_rollups_task() -> int:
    """Every minute: consume what the inbox stored since the last run (cursor + one transaction per step)."""
    return rollup.consume_all()


@task(queue_name=BULK)
def rebuild_rollups_task(brand_id: int | None = None) -> int:
    from resonanz.accounts.models import Brand

    brand = Brand.objects.get(pk=brand_id) if brand_id is not None else None
    return rollup.rebuild(brand=brand)


@task(queue_name=DEFAULT)
def send_reports_task() -> int:
    """Hourly: mail each brand's weekly/monthly report once, after its period ended (brand's time zone)."""
    return send_due_reports()
