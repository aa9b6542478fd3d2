"""Recording that you were in touch, the one way every caller does it."""

from django.utils import timezone

from contacts.models import Person
from conversations.models import Touch


def touch_record(*, person: Person) -> tuple[Touch, bool]:
    """ "We caught up" with someone today, in the user's own calendar day. Returns the touch and
    whether this call recorded it: a second tap the same day records nothing."""
    return Touch.objects.get_or_create(
        owner_id=person.owner_id, person=person, happened_on=timezone.localdate()
    )
