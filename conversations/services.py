"""Recording that you were in touch, and that you asked about what they told you: the one way
every caller does each."""

import datetime

from django.utils import timezone

from contacts.models import Person
from conversations.models import Story, Touch


def touch_record(*, person: Person) -> tuple[Touch, bool]:
    """ "We caught up" with someone today, in the user's own calendar day. Returns the touch and
    whether this call recorded it: a second tap the same day records nothing."""
    return Touch.objects.get_or_create(
        owner_id=person.owner_id, person=person, happened_on=timezone.localdate()
    )


def follow_up_asked(*, story: Story, on: datetime.date | None = None) -> None:
    """You asked about it: the follow-up is answered and leaves every list. Asking again
    changes nothing; the first day you asked is kept."""
    Story.objects.filter(pk=story.pk, asked_on__isnull=True).update(
        asked_on=on or timezone.localdate()
    )
