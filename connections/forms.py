"""Linking two people, and naming who introduced you. The other person is typed by name, in a
PersonNameField: the page offers the user's people as they type, and only they are found."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.once import CreatesOnce
from connections.models import Connection
from connections.picture import first_name
from contacts.forms import PersonNameField
from contacts.models import Person


class LinkForm(CreatesOnce, forms.Form):
    other = PersonNameField(label=gettext_lazy("Who"))
    kind = forms.ChoiceField(label=gettext_lazy("How"), choices=Connection.Kind.choices)
    label = forms.CharField(
        required=False,
        max_length=50,
        help_text=gettext_lazy("For example “daughter” or “mentor”."),
    )
    reverse_label = forms.CharField(
        required=False,
        max_length=50,
        help_text=gettext_lazy("For example “mother” or “mentee”."),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        cast(PersonNameField, self.fields["other"]).among(person.owner, besides=person)
        for name in ("label", "reverse_label"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_helptext"
        self._read_as_sentences()

    def _read_as_sentences(self) -> None:
        """Each label says who is what to whom: "Mei is Tom's …" and "Tom is Mei's …". The
        other person's name is filled in as it is typed (static/js/knotwork.js, from the data
        attributes); until then, and without JavaScript, the labels say "they"."""
        person = first_name(self.person.name)
        typed = first_name(str(self.data.get(self.add_prefix("other"), "")))
        typed = typed[:1].upper() + typed[1:]  # "mei" is read as Mei
        sentences = {
            "label": (
                _("They are %(person)s's …") % {"person": person},
                _("%(other)s is %(person)s's …"),
            ),
            "reverse_label": (
                _("%(person)s is their …") % {"person": person},
                _("%(person)s is %(other)s's …"),
            ),
        }
        for name, (they, named) in sentences.items():
            # What comes before and after the other's name; no name holds a NUL to split on.
            before, after = (named % {"person": person, "other": "\0"}).split("\0")
            field = self.fields[name]
            field.label = f"{before}{typed}{after}" if typed else they
            field.widget.attrs.update(
                {
                    "data-sentence-from": self["other"].auto_id,
                    "data-before": before,
                    "data-after": after,
                    "data-they": they,
                }
            )

    def clean_other(self) -> Person:
        other: Person = self.cleaned_data["other"]
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

    introduced_by = PersonNameField(label=gettext_lazy("Introduced by"), required=False)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        cast(PersonNameField, self.fields["introduced_by"]).among(person.owner, besides=person)
