"""People: who someone is to you, how you met, and how to reach them."""

import calendar
import datetime
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat, Lower, Upper
from django.db.models.lookups import Contains, Exact, StartsWith
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from common.counts import count_of
from common.dates import day_month, day_phrase, full_date
from common.ownership import OwnedQuerySet
from common.search import Fold, MostUsed, folded, name_likeness, search_vector_field
from common.validators import validate_plausible_date
from places.models import Place, km_from, within


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


class TagQuerySet(OwnedQuerySet["Tag"]):
    def named(self, name: str) -> "TagQuerySet":
        """The tag called `name`, case aside, found through the unique index on its lower case."""
        return self.alias(key=Lower("name")).filter(key=Lower(Value(name.strip())))

    def containing(self, typed: str) -> "TagQuerySet":
        return self.filter(name__icontains=typed.strip())


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=50)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = [Lower("name")]
        constraints: ClassVar = [
            models.UniqueConstraint("owner", Lower("name"), name="tag_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


# What the people list's search box looks through, folded once when a person is saved: a word
# typed is then one "contains" on one column, which a trigram index serves, instead of six
# columns folded again for every row on every keystroke.
LISTED_FIELDS = ("name", "spark", "met_at", "organisation", "role", "city")
LISTED_TEXT = Fold(
    Concat(
        *[part for field in LISTED_FIELDS for part in (Value(" "), field)][1:],
        output_field=models.TextField(),
    )
)


# The ways to reach someone their card shows, and the edit form offers to change, at once.
CHANNELS_SHOWN = 8
CHANNELS_EDITED = 20


# How far around a town "Travelling to" looks, as the crow flies: Augsburg (56 km from Munich)
# and Potsdam (27 km from Berlin) are near enough for an evening, Nuremberg (151 km) is not.
NEARBY_KM = 60

# Where people work and live, grouped as they are compared: a town the gazetteer knows by its
# place ("Munich" and "München" are one), anything else by its text, case and accents aside
# ("zalando" and "Zalando" are one).
GROUPED_BY: dict[str, dict[str, Combinable]] = {
    "organisation": {"key": Fold("organisation")},
    "city": {
        "place_key": F("place"),
        "key": Case(When(place__isnull=True, then=Fold("city")), default=folded("")),
    },
}


def works_at(organisation: str) -> Q:
    """People who work at this organisation, case and accents aside."""
    return Q(Exact(Fold("organisation"), folded(organisation.strip())))


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

    def offered_for(self, text: str) -> "PersonQuerySet":
        """The people offered for a name being typed, closest first: those `named_like` it
        whom the user still keeps in touch with. Suggestions, capture and a name field that
        guesses all offer these, so what is offered is what a field takes."""
        return self.filter(archived=False).named_like(text)

    def in_or_near(self, typed: str, place: Place | None) -> "PersonQuerySet":
        """People who live in the town typed, or within NEARBY_KM of it. A person lives there
        when their town is the same place ("München" for "Munich"), or is written the same,
        case and accents aside; a town the gazetteer does not know also finds the longer names
        that start with it ("Hintertupfing" finds "Hintertupfing am See"). Each carries `here`,
        and `distance` in kilometres (0 for those who live there)."""
        typed = typed.strip()
        here = Q(Exact(Fold("city"), folded(typed)))
        distance: models.Expression
        if place is None:
            here |= Q(StartsWith(Fold("city"), folded(f"{typed} ")))
            people, distance = self.filter(here), Value(0.0)
        else:
            here |= Q(place=place)
            people = self.filter(here | within(place, NEARBY_KM, via="place"))
            distance = km_from(place, via="place")
        return people.annotate(
            here=Case(When(here, then=True), default=False),
            distance=Case(When(here, then=0.0), default=distance),
        )

    def spellings(self, field: str, *, containing: str = "") -> "models.QuerySet[Any, Any]":
        """Each organisation or town of these people once (GROUPED_BY), written as most of them
        write it, with how many people, most first; with `containing`, only the values that
        hold it, case and accents aside."""
        people = self.filter(Contains(Fold(field), folded(containing.strip())))
        return (
            people.exclude(**{field: ""})
            .values(**GROUPED_BY[field])
            .annotate(value=MostUsed(field), people=Count("pk"))
            .order_by("-people", "value")
        )

    def for_card(self) -> "PersonQuerySet":
        """What a person's card shows: their tags, and the first of their ways to reach them
        with how many there are, however many an import brought."""
        first_channels = Channel.objects.order_by("pk")[:CHANNELS_SHOWN]
        count = count_of(Channel.objects.filter(person=OuterRef("pk")))
        return self.annotate(channel_count=count).prefetch_related(
            "tags", Prefetch("channels", queryset=first_channels, to_attr="shown_channels")
        )

    def after(self, pk: int) -> "PersonQuerySet":
        """The people after the one with this id in the list's order (name, then id): a page
        that starts there is read through the list's index however deep in the list it lies."""
        key = Subquery(Person.objects.filter(pk=pk).values(key=Upper("name"))[:1])
        return self.alias(key=Upper("name")).filter(Q(key__gt=key) | Q(key=key, pk__gt=pk))

    def filtered(
        self,
        *,
        q: str = "",
        organisation: str = "",
        circle: str = "",
        tag: "models.QuerySet[Tag] | None" = None,
        status: str = "",
    ) -> "PersonQuerySet":
        """The people list's filters; archived people only show when asked for. Text matches
        any part, case and accents aside: "siemens" finds everyone at Siemens Healthineers."""
        people = self.filter(archived=(status == "archived"))
        for word in q.split():
            people = people.filter(listed__contains=folded(word))
        if organisation:
            people = people.filter(Contains(Fold("organisation"), folded(organisation.strip())))
        if circle:
            people = people.filter(circle=circle)
        if tag is not None:
            people = people.filter(tags__in=tag)
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
    # The town `city` names, kept beside what was typed: set by the database on every write
    # that touches either (trigger person_place, contacts migration 0011), so the form, capture,
    # imports, the API and merge all resolve "Munich" to München through `knotwork_place`.
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
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
    listed = models.GeneratedField(
        expression=LISTED_TEXT, output_field=models.TextField(), db_persist=True
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
            GinIndex(OpClass("listed", name="gin_trgm_ops"), name="person_listed"),
            # Who lives in a place, or in the places around it.
            models.Index("owner", "place", name="person_place"),
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

    def channels_not_shown(self) -> int:
        """How many ways to reach them their card leaves out (read with `for_card`)."""
        return max(getattr(self, "channel_count", 0) - CHANNELS_SHOWN, 0)

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

    def date_lines(self, today: datetime.date) -> list["DateLine"]:
        """Their dates as their page shows them: the next to come round first, each with how
        it comes round ("turns 61 on Friday"); a date that happened once and is past, last."""
        lines = []
        for date in self.dates.all():
            on = date.next_on(today)
            lines.append(DateLine(date, on, date.sentence(on, today) if on else ""))
        return sorted(lines, key=lambda line: (line.on is None, line.on or today, line.date.pk))

    def met_sentence(self, today: datetime.date) -> str:
        """The day you met, as a date that comes round: "10 years since you met, on Friday."
        Empty before its first anniversary."""
        if self.met_on is None:
            return ""
        met = PersonDate(month=self.met_on.month, day=self.met_on.day, year=self.met_on.year)
        on = met.next_on(today)
        years = met.years_on(on) if on else None
        if on is None or not years:
            return ""
        return ngettext(
            "%(years)d year since you met, %(when)s.",
            "%(years)d years since you met, %(when)s.",
            years,
        ) % {"years": years, "when": day_phrase(on, today)}

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


class PersonDateQuerySet(OwnedQuerySet["PersonDate"]):
    def upcoming(self, *, today: datetime.date, days: int) -> list["Occurrence"]:
        """The dates that come round from `today` through `days` days later, soonest first,
        each with the day it falls on, in one query however many people there are. The index
        on (owner, month * 100 + day) serves it: a window within one year is one range, one
        across the year end is two."""
        last = today + datetime.timedelta(days=days)
        end = last.month * 100 + last.day
        if end == 228 and not calendar.isleap(last.year):
            end = 229  # 29 February falls on the 28th in other years
        start = today.month * 100 + today.day
        if last.year == today.year:
            window = Q(monthday__gte=start, monthday__lte=end)
            once = Q(year=today.year)
        else:
            window = Q(monthday__gte=start) | Q(monthday__lte=end)
            once = Q(year=today.year, monthday__gte=start) | Q(year=last.year, monthday__lte=end)
        rows = (
            self.filter(window, person__archived=False)
            .filter(Q(repeats=True) | once)
            .select_related("person")
            .order_by()  # sorted below, by the day each falls on
        )
        found = [
            Occurrence(date=row, on=on, today=today)
            for row in rows
            if (on := row.next_on(today)) is not None and on <= last
        ]
        return sorted(found, key=lambda o: (o.on, o.date.person.name, o.date.pk))


# The years a date may have. Before 1900 address books mean "no year" (Apple writes 1604).
FIRST_YEAR, LAST_YEAR = 1900, 9999
YEAR_MESSAGES = {
    "invalid": _("Type the year as a number, like 1971."),
    "min_value": _("Please enter a year from 1900 on, like 1971."),
    "max_value": _("Please enter a year with four digits, like 1971."),
}


LABEL_NEEDED = _("Say what the date is, like “moved to Lisbon”.")


@dataclass(frozen=True)
class KindRules:
    """What one kind of date asks for. The model's checks, the date forms' fields, their
    "optional" markers and their help all read it, so none can say otherwise."""

    # Whether "What it is" is offered, and whether it must be filled in.
    label_offered: bool
    label_required: bool
    label_help: StrOrPromise
    # Whether it may happen once, or always comes round every year.
    may_happen_once: bool


class PersonDate(models.Model):
    """A birthday, an anniversary or another date in someone's life: a reason to reach out
    when it comes round. The year is optional for a date that repeats every year."""

    class Kind(models.TextChoices):
        BIRTHDAY = "birthday", _("Birthday")
        ANNIVERSARY = "anniversary", _("Anniversary")
        OTHER = "other", _("Other date")

    RULES: ClassVar[dict[str, KindRules]] = {
        # A birthday is a birthday, every year: there is nothing else to say about it.
        Kind.BIRTHDAY: KindRules(
            label_offered=False, label_required=False, label_help="", may_happen_once=False
        ),
        Kind.ANNIVERSARY: KindRules(
            label_offered=True,
            label_required=False,
            label_help=_("If you like: “wedding anniversary with Max”."),
            may_happen_once=True,
        ),
        Kind.OTHER: KindRules(
            label_offered=True,
            label_required=True,
            label_help=_("Like “moved to Lisbon” or “her daughter's birthday”."),
            may_happen_once=True,
        ),
    }

    # No index of its own: date_upcoming below starts with the owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dates")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BIRTHDAY)
    label = models.CharField(_("what it is"), max_length=100, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    repeats = models.BooleanField(_("every year"), default=True)
    # Month and day as one number (15 March is 315), so "the next N days" is a range scan.
    monthday = models.GeneratedField(
        expression=F("month") * 100 + F("day"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonDateQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["month", "day", "pk"]
        indexes: ClassVar = [models.Index("owner", "monthday", name="date_upcoming")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(repeats=True) | Q(year__isnull=False), name="date_once_has_year"
            ),
            # One birthday a person (migration 0011 settled the people who had two).
            models.UniqueConstraint(
                fields=["person"], condition=Q(kind="birthday"), name="date_one_birthday"
            ),
            models.CheckConstraint(
                condition=~Q(kind="birthday") | Q(repeats=True), name="date_birthday_repeats"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.month}-{self.day}"

    @property
    def rules(self) -> KindRules:
        return self.RULES.get(self.kind, self.RULES[self.Kind.OTHER])

    def clean(self) -> None:
        """Only days that exist: no 31 April or 30 February. A 29 February without a year is
        fine (it falls on the 28th in other years); with a year it must be a leap year. A
        birthday lies between 1900 and today; a date that happens once needs its year, and a
        kind that always comes round (`RULES`) does."""
        errors: dict[str, object] = {}
        if not self.rules.may_happen_once:
            self.repeats = True
        if self.month and self.day:
            longest = calendar.monthrange(self.year or 2000, self.month)[1]
            if self.day > longest:
                errors["day"] = (
                    _("%(year)d was not a leap year: February had 28 days.") % {"year": self.year}
                    if self.year and self.month == 2 and self.day == 29
                    else _("%(month)s has only %(days)d days.")
                    % {"month": MONTHS[self.month], "days": longest}
                )
        if self.year is not None and self.year < FIRST_YEAR:
            errors["year"] = YEAR_MESSAGES["min_value"]
        elif self.year is not None and self.year > LAST_YEAR:
            errors["year"] = YEAR_MESSAGES["max_value"]
        elif (
            self.kind == self.Kind.BIRTHDAY
            and self.year
            and self.month
            and self.day
            and "day" not in errors
            and self._on(self.year) > timezone.localdate()
        ):
            errors["year"] = _("A birthday cannot be in the future.")
        if not self.repeats and not self.year:
            errors["year"] = _("A date that happens once needs its year.")
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Each field on its own, and the label its kind needs (`RULES`): here rather than in
        `clean`, so a form whose own label field already said so does not say it twice."""
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        needed = "label" not in (exclude or ()) and self.rules.label_required
        if needed and "label" not in errors and not self.label.strip():
            errors["label"] = [ValidationError(LABEL_NEEDED)]
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The database's constraints, and one birthday a person said beside the kind where
        a form chose it (a form leaves the person out of its checks, which would skip it)."""
        super().validate_constraints(exclude=[*(exclude or []), "person"])
        if self.kind == self.Kind.BIRTHDAY and self.person_id:
            taken = self.other_birthday()
            if taken is not None:
                raise ValidationError({"kind": taken.taken_message()})

    def other_birthday(self) -> "PersonDate | None":
        """The person's birthday, when it is another row than this one."""
        return (
            PersonDate.objects.filter(person_id=self.person_id, kind=self.Kind.BIRTHDAY)
            .exclude(pk=self.pk)
            .first()
        )

    def taken_message(self) -> str:
        """Why a second birthday is refused, for this, the person's one birthday."""
        return _("%(name)s's birthday is already %(day)s. Change that one instead.") % {
            "name": self.person.name,
            "day": self.day_text(),
        }

    def absorb(self, other: "PersonDate") -> bool:
        """Take in `other`, a second birthday, when it is this one again (the same day, and no
        other year), giving this one the year it lacks; whether it was."""
        same = (self.month, self.day) == (other.month, other.day)
        if not same or (self.year and other.year and self.year != other.year):
            return False
        self.year = self.year or other.year
        return True

    def note_line(self) -> str:
        """A date kept in the notes, the way imports keep a birthday they cannot use:
        "BDAY: 1971-03-15", or "BDAY: --03-15" without a year."""
        year = f"{self.year:04d}-" if self.year else "--"
        label = f" ({self.label})" if self.label else ""
        return f"BDAY: {year}{self.month:02d}-{self.day:02d}{label}"

    def _on(self, year: int) -> datetime.date:
        """The day it falls on in `year`: 29 February is the 28th in years without one."""
        day = self.day
        if self.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        return datetime.date(year, self.month, day)

    def next_on(self, today: datetime.date) -> datetime.date | None:
        """The next day it falls on, today included; None for a date that happened once and
        is past. `today` is the user's own day, in their time zone."""
        if not self.repeats:
            assert self.year is not None  # noqa: S101 -- the constraint date_once_has_year
            on = self._on(self.year)
            return on if on >= today else None
        on = self._on(today.year)
        return on if on >= today else self._on(today.year + 1)

    def years_on(self, on: datetime.date) -> int | None:
        """How many years it will be on that day, when the year is known: an age, or years
        since. None for a first time or an unknown year."""
        if not self.year or not self.repeats or on.year <= self.year:
            return None
        return on.year - self.year

    def sentence(self, on: datetime.date, today: datetime.date) -> str:
        """The date as a reason to reach out, with the person's name, the label typed, and an
        age or years where the year is known: "Helga turns 61 on Friday.", "Tom's
        anniversary: 10 years today.", "Tom: “Moved to Lisbon”, on Friday." """
        when = day_phrase(on, today)
        years = self.years_on(on)
        name = self.person.name
        if self.kind == self.Kind.BIRTHDAY:
            if years:
                return _("%(name)s turns %(years)d %(when)s.") % {
                    "name": name,
                    "years": years,
                    "when": when,
                }
            return _("%(name)s's birthday is %(when)s.") % {"name": name, "when": when}
        if self.kind == self.Kind.ANNIVERSARY and not self.label:
            if years:
                return ngettext(
                    "%(name)s's anniversary: %(years)d year %(when)s.",
                    "%(name)s's anniversary: %(years)d years %(when)s.",
                    years,
                ) % {"name": name, "years": years, "when": when}
            return _("%(name)s's anniversary is %(when)s.") % {"name": name, "when": when}
        # With a label, the label says what it is: "wedding anniversary with Max".
        said = {"name": name, "years": years, "label": self.label, "when": when}
        if years and self.kind == self.Kind.ANNIVERSARY:
            return (
                ngettext(
                    "%(name)s: “%(label)s”, %(years)d year %(when)s.",
                    "%(name)s: “%(label)s”, %(years)d years %(when)s.",
                    years,
                )
                % said
            )
        if years:
            return (
                ngettext(
                    "%(name)s: %(years)d year since “%(label)s”, %(when)s.",
                    "%(name)s: %(years)d years since “%(label)s”, %(when)s.",
                    years,
                )
                % said
            )
        return _("%(name)s: “%(label)s”, %(when)s.") % said

    def title(self) -> str:
        """What the date is, in a few words: the label typed for it, or else its kind."""
        return self.label or str(self.get_kind_display())

    def years_text(self, on: datetime.date) -> str:
        """How many years it will be on that day, without the name or the day: "turns 61",
        "10 years"; empty when the year is not known."""
        years = self.years_on(on)
        if not years:
            return ""
        if self.kind == self.Kind.BIRTHDAY:
            return _("turns %(years)d") % {"years": years}
        return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}

    def day_text(self) -> str:
        """The date as set: "15 March" or "15 March 1971"."""
        if self.year:
            return full_date(datetime.date(self.year, self.month, self.day))
        return day_month(self._on(2000))


@dataclass(frozen=True)
class DateLine:
    date: PersonDate
    on: datetime.date | None
    sentence: str


@dataclass(frozen=True)
class Occurrence:
    """A date on the day it next comes round, and how to say it."""

    date: PersonDate
    on: datetime.date
    today: datetime.date

    @property
    def person(self) -> Person:
        return self.date.person

    @property
    def sentence(self) -> str:
        return self.date.sentence(self.on, self.today)

    @property
    def years_text(self) -> str:
        return self.date.years_text(self.on)
