"""People: who someone is to you, how you met, and how to reach them."""

import datetime
from functools import reduce
from operator import or_
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.ownership import OwnedQuerySet
from common.search import Fold, folded, name_likeness, search_vector_field
from common.validators import validate_plausible_date


class Circle(models.TextChoices):
    INNER = "inner", _("Inner circle")
    CLOSE = "close", _("Close")
    WIDER = "wider", _("Wider circle")
    ACQUAINTANCE = "acquaintance", _("Acquaintance")


# How often to be in touch, in days, unless a person has their own rhythm.
DEFAULT_CADENCE_DAYS = {
    Circle.INNER: 21,
    Circle.CLOSE: 45,
    Circle.WIDER: 90,
    Circle.ACQUAINTANCE: 180,
}


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=50)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = [Lower("name")]
        constraints: ClassVar = [
            models.UniqueConstraint("owner", Lower("name"), name="tag_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


# How alike a typed name and a person's name must be, word by word, to offer the person: enough
# for "Herera" to find Herrera and "Katarina" Katharina (0.58), not "Sabin" Yuki Sato (0.33).
NAME_LIKENESS = 0.5


class PersonQuerySet(OwnedQuerySet["Person"]):
    """The one place a typed name is matched to people: capture, "also there", the people
    list, suggestions as you type and search all use these, so they all agree."""

    def named(self, names: list[str]) -> "PersonQuerySet":
        """People called exactly one of these names, whatever the case or accents: "tomas
        herrera" is Tomás Herrera. Each carries `named_as`, the name as it was typed."""
        if not names:
            return self.none()
        typed_as = Case(
            *(When(folded_name=folded(name.strip()), then=Value(name)) for name in names),
            output_field=CharField(),
        )
        return (
            self.alias(folded_name=Fold("name"))
            .annotate(named_as=typed_as)
            .filter(named_as__isnull=False)
        )

    def named_like(self, text: str) -> "PersonQuerySet":
        """People whose name looks like what was typed, closest first: accents and case
        aside, a part of the name ("Tomas"), or misspelt ("Herera")."""
        return (
            self.annotate(folded_name=Fold("name"), likeness=name_likeness(text.strip(), "name"))
            .filter(Q(likeness__gte=NAME_LIKENESS) | Q(folded_name__contains=folded(text.strip())))
            .order_by("-likeness", Upper("name"), "pk")
        )

    def filtered(
        self,
        *,
        q: str = "",
        organisation: str = "",
        circle: str = "",
        tag: "Tag | None" = None,
        status: str = "",
    ) -> "PersonQuerySet":
        """The people list's filters; archived people only show when asked for. Text matches
        any part, case and accents aside: "siemens" finds everyone at Siemens Healthineers."""
        people = self.filter(archived=(status == "archived"))
        if q:
            searched = ("name", "spark", "met_at", "organisation", "role", "city")
            people = people.alias(**{f"folded_{field}": Fold(field) for field in searched}).filter(
                reduce(or_, (Q(**{f"folded_{field}__contains": folded(q)}) for field in searched))
            )
        if organisation:
            people = people.alias(works_at=Fold("organisation")).filter(
                works_at__contains=folded(organisation.strip())
            )
        if circle:
            people = people.filter(circle=circle)
        if tag:
            people = people.filter(tags=tag)
        if status == "knot":
            people = people.filter(is_knot=True)
        elif status in Person.Status.values:
            people = people.filter(status=status)
        return people


class Person(models.Model):
    class Status(models.TextChoices):
        KNOWN = "known", _("We know each other")
        WANT_TO_MEET = "want_to_meet", _("I want to meet them")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    spark = models.TextField(
        _("spark"), max_length=1000, blank=True, help_text=_("What drew you to them?")
    )
    met_at = models.CharField(_("where we met"), max_length=200, blank=True)
    met_on = models.DateField(
        _("when we met"), null=True, blank=True, validators=[validate_plausible_date]
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    city = models.CharField(_("lives in"), max_length=100, blank=True)
    # Two sizes of one photo, both made when it is saved (contacts/photos.py); only the person's
    # owner gets them, through contacts.views.person_photo, never as public files.
    photo = models.FileField(_("photo"), max_length=100, blank=True, editable=False)
    photo_thumbnail = models.FileField(max_length=100, blank=True, editable=False)
    circle = models.CharField(
        _("circle"), max_length=16, choices=Circle.choices, default=Circle.WIDER
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("keep in touch every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Leave empty to use the circle's rhythm."),
    )
    is_knot = models.BooleanField(
        _("knot"), default=False, help_text=_("A mentor or connector who matters most.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.KNOWN
    )
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search = search_vector_field(
        ("name", "A"),
        ("spark", "B"),
        ("met_at", "B"),
        ("organisation", "B"),
        ("role", "B"),
        ("city", "B"),
        ("notes", "C"),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = [Upper("name"), "id"]
        indexes: ClassVar = [
            # The people list: one user's people, in name order, without a sort.
            models.Index("owner", "archived", Upper("name"), "id", name="person_list_order"),
            GinIndex("owner", "search", name="person_search"),
            # Names as they are compared: part of a name, or a misspelt one, without accents.
            GinIndex(OpClass(Fold("name"), name="gin_trgm_ops"), name="person_name_folded"),
        ]
        constraints: ClassVar = [
            # What a link between two people refers to, so the database itself keeps both ends
            # in one account (connections/migrations/0002_same_owner.py).
            models.UniqueConstraint("owner", "id", name="person_owner_and_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("relationships:person", args=[self.pk])

    def work(self) -> str:
        """What they do and where, as said under their name: "CTO at Acme", or either alone."""
        if self.role and self.organisation:
            return _("%(role)s at %(organisation)s") % {
                "role": self.role,
                "organisation": self.organisation,
            }
        return self.role or self.organisation

    @property
    def photo_url(self) -> str:
        return self._photo_address("contacts:photo", self.photo)

    @property
    def thumbnail_url(self) -> str:
        return self._photo_address("contacts:photo_thumbnail", self.photo_thumbnail)

    def _photo_address(self, url_name: str, file: models.fields.files.FieldFile) -> str:
        """The file's name in the address makes a new photo a new address, so a browser may
        keep each one for long."""
        if not file:
            return ""
        return f"{reverse(url_name, args=[self.pk])}?v={Path(file.name or '').stem}"

    @property
    def cadence(self) -> datetime.timedelta:
        """How often to be in touch: the person's own rhythm, or else their circle's default."""
        return datetime.timedelta(
            days=self.cadence_days or DEFAULT_CADENCE_DAYS[Circle(self.circle)]
        )


class Channel(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        LINK = "link", _("Link")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.EMAIL)
    value = models.CharField(_("address"), max_length=300)
    label = models.CharField(_("label"), max_length=50, blank=True)

    class Meta:
        ordering: ClassVar = ["kind", "id"]

    def __str__(self) -> str:
        return self.value

    @property
    def href(self) -> str:
        """Where tapping the channel goes. A link is followed only when it is a web address:
        an imported `javascript:` or `data:` link stays text, never something to click."""
        if self.kind == self.Kind.LINK:
            return self.value if self.value.lower().startswith(("https://", "http://")) else ""
        prefix = {"email": "mailto:", "phone": "tel:"}[self.kind]
        return prefix + self.value
