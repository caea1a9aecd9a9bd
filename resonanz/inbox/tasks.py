"""Background tasks of the inbox: take ids, reload, call a service. All idempotent."""

from __future__ import annotations

from django_tasks import task

from resonanz.inbox import delivery, pipeline, webhooks


@task()
def process_inbound_task() -> int:
    return pipeline.process_pending().processed


@task()
def deliver_reply_task(reply_id: int) -> None:
    delivery.deliver_reply(reply_id)


@task()
def deliver_webhook_task(delivery_id: int) -> None:
    webhooks.deliver_webhook(delivery_id)


@task()
def poll_channels_task() -> None:
    """The inbox's periodic job (every minute): poll the channels that are due, process whatever is
    still staged (also items whose processing task was lost in a crash), send due retries."""
    from resonanz.sources.polling import poll_due_channels

    poll_due_channels()
    pipeline.process_pending()
    delivery.retry_due()
