"""Linking two people, and naming who introduced you. The other person is typed by name (the
page offers the user's people as they type) and found among the user's own people only."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.once import CreatesOnce
from connections.models import Connection
from contacts.models import Person


def one_of_my_people(person: Person, name: str) -> Person:
    """The one other person of `person`'s owner called `name`, or a message saying why not.
    Someone of another account is never found: to this account, they do not exist."""
    name = " ".join(name.split())
    matches = list(Person.objects.for_user(person.owner).named([name]).order_by("pk")[:3])
    if any(match.pk == person.pk for match in matches) and len(matches) == 1:
        raise ValidationError(
            _("That is %(name)s themselves. Name someone else.") % {"name": person.name}
        )
    matches = [match for match in matches if match.pk != person.pk]
    if not matches:
        raise ValidationError(
            _("You have no one called “%(name)s”. Add them first, then link them.") % {"name": name}
        )
    if len(matches) > 1:
        raise ValidationError(
            _("Two of your people are called “%(name)s”. Rename one first.") % {"name": name}
        )
    return matches[0]


class LinkForm(CreatesOnce, forms.Form):
    other = forms.CharField(
        label=gettext_lazy("Who"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "link-suggestions"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("How"), choices=Connection.Kind.choices)
    label = forms.CharField(
        label=gettext_lazy("They are this person's"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("For example “daughter” or “mentor”."),
    )
    reverse_label = forms.CharField(
        label=gettext_lazy("This person is their"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("For example “mother” or “mentee”."),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        for name in ("label", "reverse_label"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def clean_other(self) -> Person:
        other = one_of_my_people(self.person, str(self.cleaned_data["other"]))
        if Connection.objects.of(self.person).of(other).exists():
            raise ValidationError(
                _("%(name)s and %(other)s are linked already.")
                % {"name": self.person.name, "other": other.name}
            )
        return other

    def clean_label(self) -> str:
        return " ".join(str(self.cleaned_data["label"]).split())

    def clean_reverse_label(self) -> str:
        return " ".join(str(self.cleaned_data["reverse_label"]).split())

    def save(self) -> Connection:
        link = Connection(
            owner=self.person.owner,
            person_a=self.person,
            person_b=self.cleaned_data["other"],
            kind=self.cleaned_data["kind"],
            label=self.cleaned_data["label"],
            reverse_label=self.cleaned_data["reverse_label"],
        )
        link.full_clean()
        link.save()
        return link


class IntroductionForm(forms.Form):
    """Naming who introduced you sets it; naming the same person again changes nothing, and an
    empty field says no one did."""

    introduced_by = forms.CharField(
        label=gettext_lazy("Introduced by"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "introducer-suggestions"}),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_introduced_by(self) -> Person | None:
        name = str(self.cleaned_data["introduced_by"]).strip()
        return one_of_my_people(self.person, name) if name else None
