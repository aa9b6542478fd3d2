"""Forms for the sign-up extras and the user's preferences."""

import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupExtrasForm(forms.Form):
    """Remembers the browser's language and time zone, so a new account starts out right."""

    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def signup(self, request: HttpRequest, user: User) -> None:
        language = translation.get_language_from_request(request)
        user.language = User.Language.GERMAN if language.startswith("de") else User.Language.ENGLISH
        zone = self.cleaned_data.get("time_zone", "")
        if zone in zoneinfo.available_timezones():
            user.time_zone = zone
        user.save(update_fields=["language", "time_zone"])


class PreferencesForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "language",
            "time_zone",
            "reach_out_size",
            "digest_enabled",
            "digest_weekday",
            "digest_hour",
        ]
        labels = {"first_name": _("Your name")}


class DeleteAccountForm(forms.Form):
    """Deleting everything asks for the password once more."""

    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        return password
