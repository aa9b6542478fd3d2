"""Who knows whom among your people: typed links between two of them, and who introduced you to
someone. Both ends of a link are always in one account: the database refuses anything else
(migrations/0002_same_owner.py)."""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.ownership import OwnedQuerySet
from contacts.models import Person
from favours.models import Favour


class ConnectionQuerySet(OwnedQuerySet["Connection"]):
    def of(self, person: Person | int) -> "ConnectionQuerySet":
        """The links that have `person` at either end."""
        return self.filter(models.Q(person_a=person) | models.Q(person_b=person))


class Connection(models.Model):
    """A link between two of my people. `label` says what person_b is to person_a ("daughter"),
    `reverse_label` what person_a is to person_b ("mother"); both are optional, and the kind
    stands in for a missing one."""

    class Kind(models.TextChoices):
        PARTNER = "partner", gettext_lazy("Partners")
        FAMILY = "family", gettext_lazy("Family")
        FRIEND = "friend", gettext_lazy("Friends")
        COLLEAGUE = "colleague", gettext_lazy("Colleagues")
        OTHER = "other", gettext_lazy("They know each other")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        gettext_lazy("how they are linked"), max_length=16, choices=Kind.choices
    )
    label = models.CharField(
        gettext_lazy("what they are to this person"), max_length=50, blank=True
    )
    reverse_label = models.CharField(
        gettext_lazy("what this person is to them"), max_length=50, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(person_a=models.F("person_b")), name="connection_not_to_self"
            ),
            # One link a pair, whichever way round it was made.
            models.UniqueConstraint(
                Least("person_a", "person_b"),
                Greatest("person_a", "person_b"),
                name="connection_one_per_pair",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["person_b"], name="connection_person_b")]

    def __str__(self) -> str:
        return f"{self.person_a_id} - {self.person_b_id}: {self.kind}"

    def clean(self) -> None:
        """A link joins two different people of the same account."""
        if self.person_a_id and self.person_a_id == self.person_b_id:
            raise ValidationError(_("Someone cannot be linked to themselves."))
        if self.owner_id and {self.person_a.owner_id, self.person_b.owner_id} != {self.owner_id}:
            raise ValidationError(_("You can only link people of your own."))

    def other(self, person_id: int) -> int:
        return self.person_b_id if self.person_a_id == person_id else self.person_a_id

    def seen_from(self, person_id: int, other_name: str) -> str:
        """What `person_id` is to the other end, in words, from their own side: "Helga's
        daughter", "Arjun's colleague"."""
        own = self.label if person_id == self.person_b_id else self.reverse_label
        if own:
            return _("%(name)s's %(what)s") % {"name": other_name, "what": own}
        phrases = {
            self.Kind.PARTNER: _("%(name)s's partner"),
            self.Kind.FAMILY: _("family of %(name)s"),
            self.Kind.FRIEND: _("%(name)s's friend"),
            self.Kind.COLLEAGUE: _("%(name)s's colleague"),
            self.Kind.OTHER: _("knows %(name)s"),
        }
        return phrases[self.Kind(self.kind)] % {"name": other_name}


class Introduction(models.Model):
    """Who introduced me to someone. Setting it records a done favour from the introducer
    (`introduction_set`), kept here so that a change of mind takes that favour back."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="introduction")
    introducer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="introductions")
    favour = models.OneToOneField(
        Favour, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(person=models.F("introducer")),
                name="introduction_not_by_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.introducer_id} → {self.person_id}"
