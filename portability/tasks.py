"""Celery tasks: thin wrappers that pass ids to the import's services."""

from celery import shared_task

from portability.importing import import_apply, import_batches_tidy, import_read
from portability.models import ImportBatch
from relationships.services.muscles import muscles_recompute


@shared_task
def read_contacts_import(batch_id: int) -> None:
    # Gone (discarded) or no longer reading (given up as stalled): nothing to do.
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.READING)
    if found := batch.select_related("owner").first():
        import_read(batch=found)


@shared_task
def apply_contacts_import(batch_id: int) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.IMPORTING)
    if found := batch.select_related("owner").first():
        import_apply(batch=found)
        muscles_recompute(user_ids=[found.owner_id])


@shared_task
def tidy_contacts_imports() -> tuple[int, int]:
    return import_batches_tidy()
