"""Celery tasks: thin wrappers that pass ids to the services."""

from celery import shared_task

from relationships.services.muscles import muscles_recompute_all, muscles_recompute_people


@shared_task
def recompute_all_muscles() -> int:
    return muscles_recompute_all()


@shared_task
def recompute_people_muscles(person_ids: list[int]) -> None:
    muscles_recompute_people(person_ids=person_ids)
