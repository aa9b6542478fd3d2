"""Forms for people, their channels and the people list's filters, and the one field every
form uses to name one of your people."""

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.once import CreatesOnce
from contacts import photos
from contacts.models import (
    FIRST_YEAR,
    LABEL_NEEDED,
    LAST_YEAR,
    YEAR_MESSAGES,
    Channel,
    Circle,
    Person,
    PersonDate,
    PersonQuerySet,
    Tag,
)

# Fields whose values the user types again and again: offered back as they type.
SUGGESTED = ("organisation", "city")
PHONE_RE = re.compile(r"^\+?[\d\s()./-]{5,30}$")
MAX_TAGS = 20
# How many people one field of several names may name, and how many a "Did you mean" offers.
MAX_NAMED = 30
DID_YOU_MEAN = 3


DAYS = [("", _("Day")), *((day, str(day)) for day in range(1, 32))]
MONTH_CHOICES = [("", _("Month")), *MONTHS.items()]


def date_parts(*, required: bool) -> dict[str, forms.Field]:
    """Day, month and an optional year, as three fields: a birthday is often known without
    its year, which a date picker cannot take. Every message is the app's own, never one of
    Django's stock ones ("Ensure this value is greater than or equal to 1")."""
    return {
        "day": forms.TypedChoiceField(
            label=_("Day"),
            choices=DAYS,
            coerce=int,
            empty_value=None,
            required=required,
            error_messages={
                "required": _("Choose the day."),
                "invalid_choice": _("Choose a day from the list."),
            },
        ),
        "month": forms.TypedChoiceField(
            label=_("Month"),
            choices=MONTH_CHOICES,
            coerce=int,
            empty_value=None,
            required=required,
            error_messages={
                "required": _("Choose the month."),
                "invalid_choice": _("Choose a month from the list."),
            },
        ),
        "year": forms.IntegerField(
            label=_("Year"),
            required=False,
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
            error_messages=YEAR_MESSAGES,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "1971"}),
        ),
    }


class PersonDateForm(CreatesOnce, forms.ModelForm[PersonDate]):
    """A date on a person's page. Which fields it offers, which are needed and what their help
    says come from the chosen kind's rules (`PersonDate.RULES`), the same the model checks;
    choosing another kind draws the form again for it (htmx), keeping what was typed."""

    day, month, year = date_parts(required=True).values()
    # What a redrawn form keeps of what was typed.
    TYPED = ("kind", "label", "day", "month", "year", "repeats", "once")

    class Meta:
        model = PersonDate
        fields = ["kind", "label", "day", "month", "year", "repeats"]
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"kind": {"required": _("Choose what kind of date it is.")}}

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.instance.person = person
        self.instance.owner = person.owner
        rules = PersonDate.RULES[self.kind]
        label = self.fields["label"]
        if rules.label_offered:
            label.required = rules.label_required
            label.help_text = rules.label_help
            label.error_messages["required"] = LABEL_NEEDED
            label.widget.attrs.update(autocomplete="off")
        else:
            del self.fields["label"]
        if rules.may_happen_once:
            self.fields["repeats"].help_text = _("Untick for a date that happens once.")
        else:
            del self.fields["repeats"]

    @property
    def kind(self) -> str:
        """The kind chosen: as sent, or as drawn, or the date's own."""
        chosen = (
            self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        )
        return chosen if chosen in PersonDate.RULES else self.instance.kind


# What a birthday's fields say when a part is missing.
BIRTHDAY_MISSING = {
    "day": _("Choose the day of the birthday."),
    "month": _("Choose the month of the birthday."),
}


class BirthdayFields(forms.Form):
    """A person's birthday on a form about the person (adding or editing them, quick capture):
    day, month and the year if known, checked by the rules the date form checks, and one a
    person. On the person's own form the fields are their birthday; capture adds one, and one
    they have already is only taken again on its own day (giving the year it lacked)."""

    birthday_day, birthday_month, birthday_year = date_parts(required=False).values()
    # Whether the fields replace the person's birthday (their form) or add one (capture).
    birthday_replaces = True

    def birthday_initial(self, person: Person) -> None:
        """Draw the person's birthday in the fields."""
        found = PersonDate.objects.filter(person=person, kind=PersonDate.Kind.BIRTHDAY).first()
        if found is not None:
            for part in ("day", "month", "year"):
                self.initial[f"birthday_{part}"] = getattr(found, part)

    def birthday_clean(self, person: Person | None) -> None:
        """Check what was typed, as `birthday` (to save) and `birthday_gone` (to delete)."""
        self.birthday: PersonDate | None = None
        self.birthday_gone: PersonDate | None = None
        parts = {part: self.cleaned_data.get(f"birthday_{part}") for part in ("day", "month")}
        year = self.cleaned_data.get("birthday_year")
        kept = (
            PersonDate.objects.filter(person=person, kind=PersonDate.Kind.BIRTHDAY).first()
            if person is not None and person.pk
            else None
        )
        if not any(parts.values()) and year is None:
            if self.birthday_replaces and not self.has_error("birthday_year"):
                self.birthday_gone = kept
            return
        for part, value in parts.items():
            if not value:
                self.add_error(f"birthday_{part}", BIRTHDAY_MISSING[part])
        if self.errors.keys() & {"birthday_day", "birthday_month", "birthday_year"}:
            return
        typed = PersonDate(kind=PersonDate.Kind.BIRTHDAY, year=year, **parts)
        if kept is not None and self.birthday_replaces:
            kept.day, kept.month, kept.year = typed.day, typed.month, typed.year
            birthday = kept
        else:
            birthday = kept if kept is not None and kept.absorb(typed) else typed
        if person is not None and person.pk:
            birthday.person = person
        try:
            birthday.clean()
            birthday.validate_constraints()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                # "kind" is a second birthday: said beside the first field of the birthday.
                name = f"birthday_{field}" if field in parts or field == "year" else "birthday_day"
                self.add_error(name, messages)
            return
        self.birthday = birthday

    def birthday_save(self, person: Person) -> None:
        if self.birthday is not None:
            self.birthday.person = person
            self.birthday.owner = person.owner
            self.birthday.save()
        elif self.birthday_gone is not None:
            self.birthday_gone.delete()


class PersonForm(BirthdayFields, CreatesOnce, forms.ModelForm[Person]):
    tag_names = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. “climbing, Berlin”."),
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "spark",
            "organisation",
            "role",
            "city",
            "met_at",
            "met_on",
            "circle",
            "cadence_days",
            "is_knot",
            "status",
            "notes",
        ]
        widgets = {
            "spark": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "met_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["name"].widget.attrs.update(autocomplete="off", autofocus=True)
        # The user's own values are offered as they type (contacts:suggest_value).
        for name in SUGGESTED:
            self.fields[name].widget.attrs.update(autocomplete="off", list=f"{name}-suggestions")
        self.fields["tag_names"].widget.attrs.update(autocomplete="off", list="tag-suggestions")
        if self.instance.pk:
            self.initial["tag_names"] = ", ".join(t.name for t in self.instance.tags.all())
            self.birthday_initial(self.instance)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.birthday_clean(self.instance if self.instance.pk else None)
        return data

    def clean_tag_names(self) -> list[str]:
        names: dict[str, str] = {}
        for raw in self.cleaned_data["tag_names"].split(","):
            name = " ".join(raw.split())
            if len(name) > 50:
                raise ValidationError(_("A tag can have at most 50 characters."))
            if name:
                names.setdefault(name.casefold(), name)
        if len(names) > MAX_TAGS:
            raise ValidationError(_("Use at most %(max)d tags."), params={"max": MAX_TAGS})
        return list(names.values())

    @transaction.atomic
    def save(self, commit: bool = True) -> Person:
        person = super().save(commit=False)
        person.owner = self.owner
        person.save()
        person.tags.set([self._tag(name) for name in self.cleaned_data["tag_names"]])
        self.birthday_save(person)
        return person

    def _tag(self, name: str) -> Tag:
        tag = Tag.objects.for_user(self.owner).named(name).first()
        return tag or Tag.objects.create(owner=self.owner, name=name)


class ChannelForm(forms.ModelForm[Channel]):
    class Meta:
        model = Channel
        fields = ["kind", "value", "label"]
        widgets = {"value": forms.TextInput(attrs={"autocomplete": "off"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), (data.get("value") or "").strip()
        if kind and value:
            data["value"] = value
            try:
                validate_channel(kind, value)
            except ValidationError as error:
                self.add_error("value", error)
        return data


def validate_channel(kind: str, value: str) -> None:
    if kind == Channel.Kind.EMAIL:
        EmailValidator(message=_("Enter a valid email address, like name@example.org."))(value)
    elif kind == Channel.Kind.PHONE:
        if not PHONE_RE.match(value) or sum(c.isdigit() for c in value) < 5:
            raise ValidationError(_("Enter a phone number with digits, like +49 30 1234567."))
    else:
        URLValidator(
            schemes=["http", "https"],
            message=_("Enter a web address starting with https://."),
        )(value)


ChannelFormSet = forms.inlineformset_factory(
    Person, Channel, form=ChannelForm, extra=1, max_num=20, validate_max=True, can_delete=True
)


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search people"), required=False, max_length=100)
    organisation = forms.CharField(label=_("Works at"), required=False, max_length=200)
    circle = forms.ChoiceField(
        label=_("Circle"), required=False, choices=[("", _("All circles")), *Circle.choices]
    )
    # Typed with suggestions, not picked from a list: a list of thousands of tags is too long
    # to send with every page, or to scroll.
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("knot", _("Knots")),
            *Person.Status.choices,
            ("archived", _("Archived")),
        ],
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["q"].widget.attrs.update(type="search", autocomplete="off")
        for name in ("organisation", "tag"):
            self.fields[name].widget.attrs.update(
                type="search", autocomplete="off", list=f"{name}-suggestions"
            )

    def clean_tag(self) -> QuerySet[Tag] | None:
        """The tag named, as a lookup the people query uses: a name no tag has finds nobody."""
        name = self.cleaned_data["tag"]
        return Tag.objects.for_user(self.owner).named(name) if name else None


class PhotoForm(forms.Form):
    """A photo from the phone's camera or from a file; once valid, `photo` holds it read and
    ready to store, and anything that is not a photo is refused beside the field."""

    photo = forms.FileField(
        label=_("Photo"),
        error_messages={
            "required": _("Take a photo or choose one."),
            "empty": _("This file is empty."),
        },
    )

    def clean_photo(self) -> photos.Photo:
        upload = self.cleaned_data["photo"]
        if upload.size is None or upload.size > photos.MAX_BYTES:
            raise ValidationError(_("This photo is larger than 10 MB. Try a smaller copy of it."))
        try:
            return photos.photo_read(data=upload.read())
        except photos.PhotoRefused as error:
            raise ValidationError(str(error)) from None


def people_named(
    people: PersonQuerySet, names: list[str], *, besides: Person | None = None
) -> list[Person]:
    """The person each typed name means among `people`, leaving out `besides` (the person a
    form is about): the one called exactly that, case and accents aside, or else the one person
    `offered_for` it (a unique part of a name, or a misspelling), so a name field takes what
    its suggestions offer. A name that means no one, or several, is a ValidationError that says
    who could be meant; all of them are raised together."""
    exactly = list(people.named(names).order_by("pk"))
    found, errors = [], []
    for name in names:
        called = [p for p in exactly if p.named_as == name]  # type: ignore[attr-defined]
        others = [p for p in called if p != besides]
        if len(others) > 1:
            errors.append(
                ValidationError(
                    _("You know two people called “%(name)s”. Rename one to tell them apart."),
                    params={"name": name},
                )
            )
        elif others:
            found.append(others[0])
        elif called and besides:
            errors.append(
                ValidationError(
                    _("That is %(name)s themselves. Name someone else."),
                    params={"name": besides.name},
                )
            )
        else:
            guessed = people.exclude(pk=besides.pk) if besides else people
            likely = list(guessed.offered_for(name)[:DID_YOU_MEAN])
            if len(likely) == 1:
                found.append(likely[0])
            else:
                errors.append(_naming_error(name, [p.name for p in likely]))
    if errors:
        raise ValidationError(errors)
    return found


def _naming_error(name: str, likely: list[str]) -> ValidationError:
    if not likely:
        return ValidationError(
            _("You have no one called “%(name)s” yet. Check the spelling, or add them first."),
            params={"name": name},
        )
    either = _("%(names)s or %(last)s") % {"names": ", ".join(likely[:-1]), "last": likely[-1]}
    return ValidationError(
        _("“%(name)s” could be more than one person. Did you mean %(either)s?"),
        params={"name": name, "either": either},
    )


class PersonNameInput(forms.TextInput):
    """A name box that offers the user's people as they type (contacts:suggest, leaving out
    `besides`). It is the only way a page offers people, so every box that offers them belongs
    to a PersonNameField, which takes what it offers."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.besides: int | None = None

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        id_ = (attrs or {}).get("id") or self.attrs.get("id")
        if not id_:
            return super().render(name, value, attrs, renderer)
        options = f"{id_}-suggestions"
        box = super().render(name, value, {**(attrs or {}), "list": options}, renderer)
        context = {"box": box, "id": id_, "options": options, "besides": self.besides}
        return render_to_string("contacts/_person_name_input.html", context)


class PersonNameField(forms.CharField):
    """One of the user's people, typed by name; with `several`, any number of them separated
    by commas. Cleans to the Person (or the list, or None when empty and not required) through
    `people_named`. The form says whose people in its `__init__` with `among`: until then the
    field knows no one."""

    widget = PersonNameInput

    def __init__(self, *, several: bool = False, **kwargs: Any) -> None:
        super().__init__(max_length=2000 if several else 200, **kwargs)
        self.several = several
        self.people: PersonQuerySet = Person.objects.none()
        self.besides: Person | None = None

    def among(self, owner: User, *, besides: Person | None = None) -> None:
        """Name `owner`'s people, all but `besides`."""
        self.people = Person.objects.for_user(owner)
        self.besides = besides
        cast(PersonNameInput, self.widget).besides = besides.pk if besides else None

    def clean(self, value: Any) -> Person | list[Person] | None:
        text = str(super().clean(value))
        parts = text.split(",") if self.several else [text]
        names = [" ".join(part.split()) for part in parts if part.strip()]
        if len(names) > MAX_NAMED:
            raise ValidationError(_("Name at most %(max)d people."), params={"max": MAX_NAMED})
        named = people_named(self.people, names, besides=self.besides) if names else []
        if self.several:
            return named
        return named[0] if named else None
