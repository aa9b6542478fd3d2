"""Celery tasks: thin wrappers that pass ids to the services."""

from celery import shared_task

from relationships.digest import digests_send_due
from relationships.importing import import_apply, import_read
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
    import_read(batch=ImportBatch.objects.select_related("owner").get(pk=batch_id))


@shared_task
def apply_contacts_import(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("owner").get(pk=batch_id)
    import_apply(batch=batch)
    muscles_recompute(user_ids=[batch.owner_id])
