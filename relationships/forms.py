"""The reach-out page's small forms (snooze someone, or change how often to be in touch), and
the forms that take a file in."""

import datetime
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.once import CreatesOnce
from contacts.models import Person
from relationships import importing

MAX_SNOOZE = datetime.timedelta(days=366)


class SnoozeForm(forms.Form):
    """`until` is "week" (not now: back next week), "cycle" (back after one rhythm) or a date."""

    until = forms.CharField(max_length=10)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_until(self) -> datetime.date:
        value = self.cleaned_data["until"]
        today = timezone.localdate()
        if value == "week":
            return today + datetime.timedelta(days=6 - today.weekday())  # through Sunday
        if value == "cycle":
            return today + self.person.cadence
        try:
            until = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Pick a date to snooze until.")) from None
        if not today <= until <= today + MAX_SNOOZE:
            raise ValidationError(_("Pick a date within the next year."))
        return until

    def confirmation(self) -> str:
        return _("%(name)s is snoozed until %(day)s.") % {
            "name": self.person.name,
            "day": formats.date_format(self.cleaned_data["until"], "DATE_FORMAT"),
        }


class CadenceForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["cadence_days"]
        labels = {"cadence_days": gettext_lazy("Every (days)")}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        return password


class MergeForm(forms.Form):
    """Name the person this one is the same as; they are kept, this one folds into them."""

    into = forms.CharField(
        label=gettext_lazy("The same person as"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "merge-suggestions"}),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_into(self) -> Person:
        name = str(self.cleaned_data["into"]).strip()
        matches = list(
            Person.objects.for_user(self.person.owner).named([name]).exclude(pk=self.person.pk)[:2]
        )
        if len(matches) != 1:
            raise ValidationError(
                _("Type the exact name of one other person you know.")
                if not matches
                else _("Two people have that name; rename one first.")
            )
        return matches[0]


class ContactsFileForm(CreatesOnce):
    """A vCard or CSV file, read far enough to say clearly, beside the field, why it cannot be
    imported. Once valid, `text` and `entries` hold what was read."""

    contacts = forms.FileField(
        label=gettext_lazy("Contacts file"),
        error_messages={
            "required": gettext_lazy("Choose a vCard or CSV file to import."),
            "empty": gettext_lazy("This file is empty."),
        },
        widget=forms.FileInput(attrs={"accept": ".vcf,.vcard,.csv,.tsv,.txt,text/vcard,text/csv"}),
    )
    text = ""
    entries = 0

    def clean_contacts(self) -> Any:
        upload = self.cleaned_data["contacts"]
        try:
            self.text, self.entries = importing.read_text(
                upload.read(importing.MAX_BYTES + 1), upload.name or ""
            )
        except importing.UnreadableFile as error:
            raise ValidationError(str(error)) from None
        return upload


MAX_EXPORT_BYTES = 20 * 1024 * 1024


class ExportFileForm(forms.Form):
    """A Knotwork export, parsed; whether it fits the account is the import's to say."""

    file = forms.FileField(
        label=gettext_lazy("Knotwork export file"),
        error_messages={
            "required": gettext_lazy("Choose a Knotwork export file to import."),
            "empty": gettext_lazy("This file is empty."),
        },
        widget=forms.FileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is None or upload.size > MAX_EXPORT_BYTES:
            raise ValidationError(_("This file is larger than 20 MB."))
        try:
            return json.loads(upload.read())
        except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
            raise ValidationError(_("This is not a Knotwork export.")) from None
