"""Forms for people, their channels and the people list's filters."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.once import CreatesOnce
from contacts import photos
from contacts.models import Channel, Circle, Person, PersonDate, Tag

# Fields whose values the user types again and again: offered back as they type.
SUGGESTED = ("organisation", "city")
PHONE_RE = re.compile(r"^\+?[\d\s()./-]{5,30}$")
MAX_TAGS = 20


class PersonForm(CreatesOnce, forms.ModelForm[Person]):
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


DAYS = [("", _("Day")), *((day, str(day)) for day in range(1, 32))]
MONTH_CHOICES = [("", _("Month")), *MONTHS.items()]


class DateFields(forms.Form):
    """Day, month and an optional year, as three fields: a birthday is often known without
    its year, which a date picker cannot take."""

    day = forms.TypedChoiceField(label=_("Day"), choices=DAYS, coerce=int, empty_value=None)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTH_CHOICES, coerce=int, empty_value=None
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1,
        max_value=9999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "1971"}),
    )


class PersonDateForm(CreatesOnce, forms.ModelForm[PersonDate]):
    day = DateFields.base_fields["day"]
    month = DateFields.base_fields["month"]
    year = DateFields.base_fields["year"]

    class Meta:
        model = PersonDate
        fields = ["kind", "label", "day", "month", "year", "repeats"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.instance.person = person
        self.instance.owner = person.owner
        self.fields["label"].widget.attrs.update(autocomplete="off")
        self.fields["repeats"].help_text = _("Untick for a date that happens once.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != PersonDate.Kind.OTHER:
            data["label"] = ""
        return data
