"""Any recorded interaction resets the keep-in-touch clock: recompute that person's muscle as
soon as the change is committed. Listening here keeps the domain apps unaware of muscles."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from contacts.models import Person
from conversations.models import Conversation, Touch
from favours.models import Favour
from relationships.tasks import recompute_people_muscles


def queue_recompute(person_ids: list[int]) -> None:
    if person_ids:
        recompute_people_muscles.delay_on_commit(sorted(set(person_ids)))


@receiver(post_save, sender=Person)
def person_saved(instance: Person, **kwargs: Any) -> None:
    """A new person, or a changed circle, rhythm or first meeting, moves the clock too."""
    queue_recompute([instance.pk])


@receiver([post_save, post_delete], sender=Touch)
@receiver([post_save, post_delete], sender=Favour)
def person_interaction_changed(instance: Touch | Favour, **kwargs: Any) -> None:
    queue_recompute([instance.person_id])


@receiver(m2m_changed, sender=Conversation.people.through)
def conversation_people_changed(
    instance: Conversation, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action in {"post_add", "post_remove"} and pk_set:
        queue_recompute(list(pk_set))


@receiver(post_save, sender=Conversation)
@receiver(pre_delete, sender=Conversation)
def conversation_changed(instance: Conversation, **kwargs: Any) -> None:
    if instance.pk:
        queue_recompute(list(instance.people.values_list("pk", flat=True)))
