"""Celery tasks: thin wrappers around common's services."""

from celery import shared_task
from django.utils import timezone

from common.undo import removals_end


@shared_task
def end_removals() -> int:
    return removals_end(now=timezone.now())
