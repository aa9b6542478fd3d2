"""The project's own scheduled job: the backup, when BACKUP_DIR is set."""

from celery import shared_task

from knotwork.backup.services import backup_scheduled


@shared_task
def backup() -> str:
    return str(backup_scheduled())
