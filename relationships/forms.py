"""The core's small forms: snooze someone, change how often to be in touch, merge two people who
are one, and the city you are travelling to."""

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import full_date
from contacts.forms import PersonNameField
from contacts.models import Person

MAX_SNOOZE = datetime.timedelta(days=366)


class SnoozeForm(forms.Form):
    """`until` is "week" (not now: back next week), "cycle" (back after one rhythm, which is
    `person_snooze`'s to count, so it is None here) or a date."""

    until = forms.CharField(max_length=10)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_until(self) -> datetime.date | None:
        value = self.cleaned_data["until"]
        today = timezone.localdate()
        if value == "week":
            return today + datetime.timedelta(days=6 - today.weekday())  # through Sunday
        if value == "cycle":
            return None
        try:
            until = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Pick a date to snooze until.")) from None
        if not today <= until <= today + MAX_SNOOZE:
            raise ValidationError(_("Pick a date within the next year."))
        return until

    def confirmation(self, until: datetime.date) -> str:
        return _("%(name)s is snoozed until %(day)s.") % {
            "name": self.person.name,
            "day": full_date(until),
        }


class CadenceForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["cadence_days"]
        labels = {"cadence_days": gettext_lazy("Every (days)")}


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)

    def clean_q(self) -> str:
        # However much was pasted, the first words are what is looked for.
        return str(self.cleaned_data["q"])[:200]


class TravellingForm(forms.Form):
    city = forms.CharField(
        label=gettext_lazy("Travelling to"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "list": "city-suggestions"}
        ),
    )

    def clean_city(self) -> str:
        return " ".join(str(self.cleaned_data["city"]).split())


class MergeForm(forms.Form):
    """Name the person this one is the same as; they are kept, this one folds into them."""

    into = PersonNameField(label=gettext_lazy("The same person as"))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        cast(PersonNameField, self.fields["into"]).among(person.owner, besides=person)
