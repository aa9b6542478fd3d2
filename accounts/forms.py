"""Forms for the sign-up extras, the user's preferences and personal access tokens."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import TIME_ZONES, AccessToken, User
from common.once import CreatesOnce


def _city(zone: str) -> str:
    """A zone's city, as people type it: "new york" for America/New_York."""
    return zone.rpartition("/")[2].replace("_", " ").casefold()


def _zones_by_city() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for zone in sorted(TIME_ZONES):
        cities.setdefault(_city(zone), []).append(zone)
    return cities


ZONES_BY_CITY = _zones_by_city()


class SignupExtrasForm(forms.Form):
    """Remembers the browser's language and time zone, so a new account starts out right."""

    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def signup(self, request: HttpRequest, user: User) -> None:
        language = translation.get_language_from_request(request)
        user.language = User.Language.GERMAN if language.startswith("de") else User.Language.ENGLISH
        zone = self.cleaned_data.get("time_zone", "")
        if zone in TIME_ZONES:
            user.time_zone = zone
        user.save(update_fields=["language", "time_zone"])


def time_zones_like(typed: str, *, limit: int = 8) -> list[str]:
    """The zones holding what was typed, case and underscores aside; a zone whose city starts
    with it first ("ber" offers Europe/Berlin before Atlantic/Bermuda's neighbours)."""
    wanted = " ".join(typed.replace("_", " ").split()).casefold()
    if not wanted:
        return []
    found = [zone for zone in TIME_ZONES if wanted in zone.replace("_", " ").casefold()]
    return sorted(found, key=lambda zone: (not _city(zone).startswith(wanted), zone))[:limit]


class PreferencesForm(forms.ModelForm[User]):
    # Typed with suggestions, not picked from a list of some 600 zones sent with every page.
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("A city in your time zone, such as Berlin or New York."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "list": "time_zone-suggestions", "spellcheck": "false"}
        ),
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

    def clean_time_zone(self) -> str:
        """A zone's own name, case aside, or the name of its city."""
        typed = " ".join(self.cleaned_data["time_zone"].replace("_", " ").split()).casefold()
        named = [zone for zone in TIME_ZONES if zone.replace("_", " ").casefold() == typed]
        # A city in two zones' names (America/Indianapolis, America/Indiana/Indianapolis): the
        # shorter is the usual one.
        candidates = named or ZONES_BY_CITY.get(typed, [])
        if candidates:
            return min(candidates, key=len)
        raise ValidationError(
            _("There is no time zone of that name. Type a city in yours, such as Berlin.")
        )


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
