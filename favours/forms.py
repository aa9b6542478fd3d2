"""The favour form: who gives, asked or offered, what, and how it went."""

from typing import Any, cast

from django import forms

from common.once import CreatesOnce
from contacts.models import Person
from favours.models import Favour


class FavourForm(CreatesOnce, forms.ModelForm[Favour]):
    class Meta:
        model = Favour
        fields = ["giver", "origin", "what", "happened_on", "status", "outcome"]
        widgets = {
            "giver": forms.RadioSelect,
            "origin": forms.RadioSelect,
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        # Who gives is always one of the two; a radio list needs no empty choice.
        cast(forms.ChoiceField, self.fields["giver"]).choices = Favour.Giver.choices

    def save(self, commit: bool = True) -> Favour:
        favour = super().save(commit=False)
        favour.owner = self.person.owner
        favour.person = self.person
        favour.save()
        return favour
