"""A user's private calendar feed: its address carries the secret that lets a calendar app
read it, so the address is the credential."""

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarFeed(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Found by the feed's id and then compared in constant time, never looked up by value.
    token = models.SlugField(max_length=64, default=new_token, db_index=False)
    with_stories = models.BooleanField(
        _("include what they told you in follow-ups"),
        default=False,
        help_text=_("Off by default: anyone with the address could read it."),
    )
    with_met_days = models.BooleanField(
        _("the day you met each person, every year"),
        default=False,
        help_text=_("Off by default: “10 years since you met Helga”."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return f"feed {self.pk}"

    @classmethod
    def at_address(cls, pk: int, token: str) -> "CalendarFeed | None":
        """The feed an address names, if its secret matches (compared in constant time) and
        its owner's account is open: the address is the only credential a calendar app has."""
        found = cls.objects.select_related("owner").filter(pk=pk).first()
        if found is None or not found.owner.is_active:
            return None
        return found if secrets.compare_digest(found.token.encode(), token.encode()) else None

    def renew(self) -> None:
        """A new address; the old one stops working at once."""
        self.token = new_token()
        self.save(update_fields=["token"])

    @property
    def url(self) -> str:
        return settings.SITE_URL + reverse("calendars:feed", args=[self.pk, self.token])

    @property
    def webcal_url(self) -> str:
        """The address as calendar apps subscribe to it in one tap: webcal:// in place of
        https:// (or http:// on a server without TLS)."""
        return "webcal://" + self.url.split("://", 1)[1]
