"""The forms that take a file in: a contacts file to preview, and a Knotwork export."""

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.once import CreatesOnce
from portability import importing


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


# Room for the photos an export carries in base64: some tens of kilobytes each, so well over a
# thousand of them.
MAX_EXPORT_BYTES = 100 * 1024 * 1024


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
            raise ValidationError(_("This file is larger than 100 MB."))
        try:
            return json.loads(upload.read())
        except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
            raise ValidationError(_("This is not a Knotwork export.")) from None
