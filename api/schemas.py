"""What the API takes and gives, as typed schemas; the OpenAPI description is made from them."""

import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from contacts.forms import PHONE_RE
from conversations.models import Conversation

# Every id is a PostgreSQL bigint: a number outside its range names no one.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Text is read as the pages' forms read it, with the spaces around it taken off.
NOT_BLANK = r"\S"
BLANK = r"^\s*$"
# The pages' rule for a phone number, with the spaces around it.
PHONE = r"^\s*" + PHONE_RE.pattern.removeprefix("^").removesuffix("$") + r"\s*$"
FIVE_DIGITS = r"(\d\D*){5}"
PAST_DAY = "A day from 1900 to today."
FOLLOW_UP_DAY = "A day from 1900 to ten years ahead: makes it a follow-up."


class ChannelOut(Schema):
    kind: str
    value: str
    label: str


class DateOut(Schema):
    kind: str
    label: str
    month: int
    day: int
    year: int | None
    repeats: bool
    next_on: datetime.date | None = Field(
        ..., description="The day it next comes round, in the token owner's time zone."
    )

    @staticmethod
    def resolve_next_on(obj: object) -> datetime.date | None:
        return obj.next_on(timezone.localdate())  # type: ignore[attr-defined,no-any-return]


class PersonOut(Schema):
    id: int
    name: str
    spark: str
    met_at: str
    met_on: datetime.date | None
    organisation: str
    role: str
    city: str
    circle: str
    is_knot: bool
    status: str
    archived: bool
    url: str = Field(..., description="The person's page in Knotwork.")

    @staticmethod
    def resolve_url(obj: object) -> str:
        return str(obj.get_absolute_url())  # type: ignore[attr-defined]


class PersonDetailOut(PersonOut):
    notes: str
    cadence_days: int | None
    tags: list[str]
    channels: list[ChannelOut]
    dates: list[DateOut]

    @staticmethod
    def resolve_tags(obj: object) -> list[str]:
        return [tag.name for tag in obj.tags.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_channels(obj: object) -> list[object]:
        return list(obj.channels.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_dates(obj: object) -> list[object]:
        return list(obj.dates.all())  # type: ignore[attr-defined]


KEY_HELP = (
    "Chosen by the caller, the same for every retry of one entry: a UUID, or any text of 8 to "
    "100 characters (for example the moment a shortcut ran). A retry with a key already used "
    "records nothing and answers with what the first one recorded. The same key with other "
    "details, or for the other kind of entry, is refused with 409."
)


class StoryIn(Schema):
    person: Id = Field(..., description="Who told it: one of the conversation's people.")
    text: str = Field(..., max_length=5000, json_schema_extra={"pattern": NOT_BLANK})
    topics: str = Field("", max_length=200)
    ask_on: datetime.date | None = Field(None, description=FOLLOW_UP_DAY)


class ConversationIn(Schema):
    key: str = Field(..., min_length=8, max_length=100, description=KEY_HELP)
    people: list[Id] = Field(..., min_length=1, max_length=30)
    kind: Conversation.Kind = Conversation.Kind.IN_PERSON
    happened_on: datetime.date | None = Field(None, description=f"{PAST_DAY} Today when left out.")
    place: str = Field("", max_length=200)
    notes: str = Field("", max_length=10000)
    stories: list[StoryIn] = Field(default_factory=list, max_length=100)


class StoryOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    text: str
    topics: str
    ask_on: datetime.date | None


class ConversationOut(Schema):
    id: int
    kind: str
    happened_on: datetime.date
    place: str
    notes: str
    people: list[int]
    stories: list[StoryOut]

    @staticmethod
    def resolve_people(obj: object) -> list[int]:
        return [person.pk for person in obj.people.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_stories(obj: object) -> list[object]:
        return list(obj.stories.all())  # type: ignore[attr-defined]


class BirthdayIn(Schema):
    """A birthday: its day and month, and its year when known."""

    # A day the month has; 29 February is a birthday with or without a year.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"month": {"enum": [1, 3, 5, 7, 8, 10, 12]}}},
                {"properties": {"month": {"enum": [4, 6, 9, 11]}, "day": {"maximum": 30}}},
                {"properties": {"month": {"const": 2}, "day": {"maximum": 29}}},
            ]
        }
    )

    day: int = Field(..., ge=1, le=31)
    month: int = Field(..., ge=1, le=12)
    year: int | None = Field(
        None,
        ge=1900,
        le=9999,
        description="When known. A birthday cannot lie in the future, and one on 29 February "
        "needs a leap year.",
    )


class CaptureIn(Schema):
    """The capture page's entry: a person met just now, by name, or one you know by id.
    A follow-up date needs the story it follows up."""

    # The form checks these rules; the schema states them, so what it allows is recorded.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "anyOf": [
                        {"required": ["name"], "properties": {"name": {"pattern": NOT_BLANK}}},
                        {"required": ["person"], "properties": {"person": {"type": "integer"}}},
                    ]
                },
                {
                    "if": {"required": ["ask_on"], "properties": {"ask_on": {"type": "string"}}},
                    "then": {
                        "required": ["story"],
                        "properties": {"story": {"pattern": NOT_BLANK}},
                    },
                },
            ]
        }
    )

    key: str = Field(..., min_length=8, max_length=100, description=KEY_HELP)
    name: str = Field("", max_length=200, description="Who, when they are new.")
    person: Id | None = Field(None, description="Someone you already know, instead of a name.")
    event: str = Field("", max_length=200, description="Where you met.")
    spark: str = Field("", max_length=1000)
    story: str = Field("", max_length=5000)
    ask_on: datetime.date | None = Field(None, description=FOLLOW_UP_DAY)
    birthday: BirthdayIn | None = Field(
        None,
        description="Their birthday. Someone you know who has one already keeps it: the same "
        "day only adds the year it lacked, another is refused.",
    )
    favour: str = Field("", max_length=300)
    favour_giver: Literal["me", "them"] = "me"
    email: str = Field(
        "",
        max_length=300,
        description="An address like name@example.org, ending in two letters or more.",
        json_schema_extra={"anyOf": [{"pattern": BLANK}, {"format": "email"}]},
    )
    phone: str = Field(
        "",
        max_length=300,
        description="Five or more digits, with spaces, ()./- and a leading + as you like.",
        json_schema_extra={
            "anyOf": [
                {"pattern": BLANK},
                {"allOf": [{"pattern": PHONE}, {"pattern": FIVE_DIGITS}]},
            ]
        },
    )


class CaptureOut(Schema):
    created: bool = Field(..., description="False when the key had already recorded this entry.")
    person: PersonOut


class CaughtUpOut(Schema):
    person: int
    happened_on: datetime.date
    created: bool = Field(..., description="False when today's touch was already recorded.")


class ReachOutOut(Schema):
    person: PersonOut
    last_contact_on: datetime.date | None
    reason: str
    starter: str
