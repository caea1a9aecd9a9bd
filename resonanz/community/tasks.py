"""Background tasks of the community: take ids, reload, call a service."""

from __future__ import annotations

from django_tasks import task

from resonanz.community import services


@task()
def post_entered_task(post_id: int, edited: bool = False) -> None:
    services.process_entered_post(post_id, edited=edited)
