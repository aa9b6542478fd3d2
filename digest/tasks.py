"""Celery tasks: thin wrappers that call the digest's services."""

from celery import shared_task

from digest.services import digests_send_due


@shared_task
def send_digests() -> int:
    return digests_send_due()
