"""Two people who are one: fold one into the other, losing nothing."""

from django.db import transaction

from connections.services import connections_merge
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour


@transaction.atomic
def people_merge(*, keep: Person, merge: Person) -> None:
    """Fold `merge` into `keep`: every conversation, story, favour, touch, channel, tag, link and
    introduction moves over, empty fields are filled in, notes are joined, and nothing is lost.
    A photo is kept: `keep`'s own, or else `merge`'s (whose other photo's files go with them)."""
    through = Conversation.people.through
    through.objects.bulk_create(
        (
            through(conversation_id=pk, person_id=keep.pk)
            for pk in merge.conversations.values_list("pk", flat=True)
        ),
        ignore_conflicts=True,  # conversations they were both in
    )
    Story.objects.filter(person=merge).update(person=keep)
    Favour.objects.filter(person=merge).update(person=keep)
    Touch.objects.filter(person=merge).update(person=keep)
    known = set(keep.channels.values_list("kind", "value"))
    merge.channels.exclude(
        pk__in=[c.pk for c in merge.channels.all() if (c.kind, c.value) in known]
    ).update(person=keep)
    keep.tags.add(*merge.tags.all())
    connections_merge(keep=keep, merge=merge)
    for name in ("spark", "met_at", "met_on", "cadence_days", "organisation", "role", "city"):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
    if not keep.photo and merge.photo:
        # The files move with the names; emptied here, deleting `merge` leaves them alone.
        keep.photo, keep.photo_thumbnail = merge.photo.name, merge.photo_thumbnail.name
        merge.photo = merge.photo_thumbnail = ""
    keep.notes = "\n\n".join(note for note in (keep.notes, merge.notes) if note)
    keep.is_knot = keep.is_knot or merge.is_knot
    keep.save()
    merge.delete()
