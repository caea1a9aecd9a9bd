"""Background tasks of the inbox: take ids, reload, call a service. All idempotent."""

from __future__ import annotations

from django_tasks import TaskContext, task

from resonanz.core.queues import DEFAULT, URGENT, woken
from resonanz.inbox import delivery, pipeline, webhooks


@task(queue_name=DEFAULT, takes_context=True)
def process_inbound_task(context: TaskContext) -> int:
    """Woken after staging (on the bulk queue for imports): process everything that is staged."""
    from resonanz.inbox.staging import processing_wake_name

    woken(processing_wake_name(context.task_result.task.queue_name))
    return pipeline.process_pending().processed


@task(queue_name=URGENT)
def deliver_reply_task(reply_id: int) -> None:
    delivery.deliver_reply(reply_id)


@task(queue_name=URGENT)
def deliver_webhook_task(delivery_id: int) -> None:
    webhooks.deliver_webhook(delivery_id)


@task(queue_name=URGENT)
def poll_channels_task() -> None:
    """The inbox's periodic job (every minute): poll the channels that are due, process whatever is
    still staged (also items whose processing task was lost in a crash), send due retries."""
    from resonanz.sources.polling import poll_due_channels

    poll_due_channels()
    pipeline.process_pending()
    delivery.retry_due()
