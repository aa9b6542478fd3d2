"""Conversations, the stories people told in them, and one-tap touches."""

import datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.ownership import OwnedQuerySet
from common.search import search_vector_field
from common.validators import validate_plausible_date
from contacts.models import Person


def validate_follow_up_date(value: datetime.date) -> None:
    """A follow-up may lie ahead, but within ten years."""
    if value > timezone.localdate() + datetime.timedelta(days=3650):
        raise ValidationError(_("Please pick a date within the next ten years."))
    if value.year < 1900:
        raise ValidationError(_("Please enter a date after 1900."))


class ConversationQuerySet(OwnedQuerySet["Conversation"]):
    def with_person(self, person: Person) -> "ConversationQuerySet":
        """The conversations a person was in. Filtered on their owner too, so that a page of
        them newest first is read from the owner's (owner, -happened_on) index, stopping after
        a page, when the person was in thousands."""
        return self.filter(owner=person.owner_id, people=person)


class Conversation(models.Model):
    class Kind(models.TextChoices):
        # Ordered from the strongest kind of contact to the lightest.
        IN_PERSON = "in_person", _("In person")
        CALL = "call", _("Call")
        VIDEO = "video", _("Video call")
        MESSAGE = "message", _("Messages")
        ONLINE = "online", _("Online")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    happened_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.IN_PERSON)
    place = models.CharField(_("place or event"), max_length=200, blank=True)
    people = models.ManyToManyField(Person, related_name="conversations", verbose_name=_("people"))
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    search = search_vector_field(("place", "B"), ("notes", "C"))

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-happened_on", "-created_at"]
        indexes: ClassVar = [
            GinIndex("owner", "search", name="conversation_search"),
            models.Index(fields=["owner", "-happened_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class StoryQuerySet(OwnedQuerySet["Story"]):
    def open_follow_ups(self) -> "StoryQuerySet":
        """Stories with an "ask about this on" date that you have not asked about yet: a
        follow-up stays until it is answered, whatever else happens with that person."""
        return self.filter(ask_on__isnull=False, asked_on__isnull=True)


class Story(models.Model):
    """What one person told me, kept within the conversation where they told it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="stories")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="stories", verbose_name=_("told by")
    )
    text = models.TextField(_("what they told you"), max_length=5000)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    ask_on = models.DateField(
        _("ask about this on"),
        null=True,
        blank=True,
        validators=[validate_follow_up_date],
        help_text=_("Makes it a follow-up, e.g. “ask how the operation went”."),
    )
    asked_on = models.DateField(_("asked on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    search = search_vector_field(("text", "A"), ("topics", "B"))

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        verbose_name_plural = "stories"
        indexes: ClassVar = [
            GinIndex("owner", "search", name="story_search"),
            # Follow-ups still to ask about, by date: the home page and the digest.
            models.Index(
                "owner",
                "ask_on",
                name="story_open_follow_up",
                condition=models.Q(ask_on__isnull=False, asked_on__isnull=True),
            ),
            # The same for one person: the next follow-up on each reach-out card.
            models.Index(
                "person",
                "ask_on",
                name="story_person_open_follow_up",
                condition=models.Q(ask_on__isnull=False, asked_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]

    def topic_list(self) -> list[str]:
        """The topics as typed, one per comma: "family, sailing" is two."""
        return [topic.strip() for topic in self.topics.split(",") if topic.strip()]


class Touch(models.Model):
    """A minimal "we caught up", recorded in one tap: at most one a person and day, so a double
    tap, or the same tap from the home page and the digest, counts once."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="touches")
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-happened_on", "-created_at"]
        verbose_name_plural = "touches"
        constraints: ClassVar = [
            models.UniqueConstraint("person", "happened_on", name="one_touch_per_person_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.happened_on}"
