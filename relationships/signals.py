"""Any recorded interaction resets the keep-in-touch clock: recompute the muscles of the people
it touched once the change is committed. Listening here keeps the domain apps unaware of
muscles."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from common.undo import undone
from contacts.models import Person
from conversations.models import Conversation, Touch
from favours.models import Favour
from relationships.services.muscles import muscles_recompute_people
from relationships.tasks import recompute_people_muscles

_changed = threading.local()


def queue_recompute(person_ids: list[int]) -> None:
    """Collect the people a transaction changed, and queue one recompute for all of them when
    it commits: saving a capture touches one person five times, and causes one recompute.
    Outside a transaction, the commit is now, and so is the queueing."""
    if not person_ids:
        return
    if not hasattr(_changed, "ids"):
        _changed.ids = set()
    _changed.ids.update(person_ids)
    # Every change registers the callback; the first to run after the commit queues the whole
    # set, and the rest find it empty. After a rollback the set keeps ids that the next commit
    # recomputes needlessly but harmlessly: a recompute of people unchanged or gone is a no-op.
    transaction.on_commit(_queue_changed)


def _queue_changed() -> None:
    ids = sorted(_changed.ids)
    _changed.ids.clear()
    if ids and getattr(_changed, "at_once", False):
        muscles_recompute_people(person_ids=ids)
    elif ids:
        recompute_people_muscles.delay(ids)


@contextmanager
def recomputed_at_once() -> Iterator[None]:
    """Inside, changes are recomputed as they commit, in this process, instead of queued."""
    _changed.at_once = True
    try:
        yield
    finally:
        _changed.at_once = False


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


@receiver(undone)
def removal_undone(objects: list[Any], **kwargs: Any) -> None:
    """What an undo saved back: a conversation's people came back as rows of their own, after
    the conversation, so its post_save found none of them."""
    conversations = [obj.pk for obj in objects if isinstance(obj, Conversation)]
    people = Conversation.people.through.objects.filter(conversation_id__in=conversations)
    queue_recompute(list(people.values_list("person_id", flat=True)))


@receiver(post_save, sender=Conversation)
@receiver(pre_delete, sender=Conversation)
def conversation_changed(instance: Conversation, **kwargs: Any) -> None:
    if instance.pk:
        queue_recompute(list(instance.people.values_list("pk", flat=True)))
