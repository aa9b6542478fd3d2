"""Forms for the sign-up extras, the user's preferences and personal access tokens."""

import datetime
import zoneinfo

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessToken, User
from common.once import CreatesOnce


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


class AccessTokenForm(CreatesOnce, forms.Form):
    """A new personal access token: what it is for, what it may do, and how long it lives."""

    class Lifetime(models.TextChoices):
        NEVER = "", _("Never")
        MONTH = "30", _("In 30 days")
        QUARTER = "90", _("In 90 days")
        YEAR = "365", _("In a year")

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What it is for, e.g. “Phone shortcut”.")
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=AccessToken.Scope.choices,
        initial=AccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    expires = forms.ChoiceField(
        label=_("Expires"), choices=Lifetime.choices, required=False, initial=Lifetime.YEAR
    )

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None
