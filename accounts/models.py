"""The user account, its preferences, and its personal access tokens."""

import datetime
import zoneinfo
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# Read once: the zone files do not change while the app runs, and reading them costs milliseconds.
TIME_ZONES = frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


class User(AbstractUser):
    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        GERMAN = "de", "Deutsch"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    digest_enabled = models.BooleanField(_("send me the weekly digest"), default=True)
    digest_weekday = models.PositiveSmallIntegerField(
        _("digest day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"),
        default=8,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    reach_out_size = models.PositiveSmallIntegerField(
        _("people to reach out to each week"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("A short list is one you act on."),
    )

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    def __str__(self) -> str:
        return self.email or self.username

    @property
    def device_tag(self) -> str:
        """Names this account in what a phone keeps between visits (quick capture's entries
        waiting and its draft), so they are never sent or shown to another account. Stable,
        and neither the email nor the id."""
        tag = salted_hmac("relationships.capture.account", str(self.pk), algorithm="sha256")
        return tag.hexdigest()[:24]


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def for_user(self, user: User) -> "AccessTokenQuerySet":
        return self.filter(owner=user)


class AccessToken(models.Model):
    """A personal access token for the JSON API. Only a hash of its secret is kept: the secret
    is shown once, when it is made, and a lost one is revoked and made again."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for, e.g. “Phone”."))
    scope = models.CharField(_("access"), max_length=8, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def has_expired(self, now: datetime.datetime) -> bool:
        """A token with an expiry stops working at that moment; one without never expires."""
        return self.expires_at is not None and self.expires_at <= now
