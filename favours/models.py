"""Favours: give and take between people, kept as history and never as a balance."""

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.ownership import OwnedQuerySet
from common.search import search_vector_field
from common.validators import validate_plausible_date
from contacts.models import Person


class Favour(models.Model):
    class Giver(models.TextChoices):
        ME = "me", _("I do something for them")
        THEM = "them", _("They do something for me")

    class Origin(models.TextChoices):
        ASKED = "asked", _("Asked for")
        OFFERED = "offered", _("Offered")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="favours")
    giver = models.CharField(_("who gives"), max_length=8, choices=Giver.choices)
    origin = models.CharField(
        _("asked or offered"), max_length=8, choices=Origin.choices, default=Origin.ASKED
    )
    what = models.CharField(_("what"), max_length=300)
    happened_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.TextField(_("how it went"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    search = search_vector_field(("what", "A"), ("outcome", "C"))

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-happened_on", "-created_at"]
        indexes: ClassVar = [
            GinIndex("owner", "search", name="favour_search"),
            # Open favours newest first, read from the index's end: the home page's list, and
            # each person's latest on the reach-out cards, however many a person has.
            models.Index(
                "owner",
                "status",
                F("happened_on").desc(),
                F("created_at").desc(),
                name="favour_by_status",
            ),
            models.Index(
                "person",
                "status",
                F("happened_on").desc(),
                F("created_at").desc(),
                name="favour_person_by_status",
            ),
            # A person's timeline, newest first, a page at a time.
            models.Index(
                "person", F("happened_on").desc(), F("created_at").desc(), name="favour_timeline"
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def headline(self) -> str:
        """Who did what for whom, in words: a piece of history, never a debt."""
        phrases = {
            (self.Giver.ME, self.Origin.ASKED): _("%(name)s asked you for a favour"),
            (self.Giver.ME, self.Origin.OFFERED): _("You offered %(name)s a favour"),
            (self.Giver.THEM, self.Origin.ASKED): _("You asked %(name)s for a favour"),
            (self.Giver.THEM, self.Origin.OFFERED): _("%(name)s offered you a favour"),
        }
        return str(phrases[(self.Giver(self.giver), self.Origin(self.origin))]) % {
            "name": self.person.name
        }


# I asked them for something: the kind of contact that should not be the only kind.
MY_ASKS = models.Q(giver=Favour.Giver.THEM, origin=Favour.Origin.ASKED)
