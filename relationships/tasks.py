"""Celery tasks: thin wrappers that pass ids to the services."""

from celery import shared_task

from relationships.digest import digests_send_due
from relationships.importing import import_apply, import_batches_tidy, import_read
from relationships.models import ImportBatch
from relationships.services import (
    muscles_recompute,
    muscles_recompute_all,
    muscles_recompute_people,
)


@shared_task
def recompute_all_muscles() -> int:
    return muscles_recompute_all()


@shared_task
def recompute_people_muscles(person_ids: list[int]) -> None:
    muscles_recompute_people(person_ids=person_ids)


@shared_task
def send_digests() -> int:
    return digests_send_due()


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
