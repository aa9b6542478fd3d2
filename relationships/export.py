"""Everything a user has, out in one click: a versioned JSON file, and a vCard 4.0 file of
all people. The JSON is the format the account import reads back."""

import datetime
from typing import Any

import vobject
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import User
from contacts.models import Channel, Person, Tag
from conversations.models import Conversation, Story, Touch
from favours.models import Favour

FORMAT = "knotwork-export"
VERSION = 1
SETTINGS = [
    "first_name",
    "language",
    "time_zone",
    "reach_out_size",
    "digest_enabled",
    "digest_weekday",
    "digest_hour",
]
VCARD_PROPERTY = {Channel.Kind.EMAIL: "email", Channel.Kind.PHONE: "tel", Channel.Kind.LINK: "url"}
PERSON_FIELDS = [
    "name",
    "spark",
    "met_at",
    "met_on",
    "circle",
    "cadence_days",
    "is_knot",
    "status",
    "notes",
    "archived",
]


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def export_account(*, user: User) -> dict[str, Any]:
    """The whole account as plain data. People are referred to by their position in the list,
    so the file carries no database ids."""
    people = list(Person.objects.for_user(user).order_by("pk").prefetch_related("tags", "channels"))
    index = {person.pk: i for i, person in enumerate(people)}
    conversations = (
        Conversation.objects.for_user(user)
        .order_by("happened_on", "pk")
        .prefetch_related("people", Prefetch("stories", queryset=Story.objects.order_by("pk")))
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
        "settings": {field: getattr(user, field) for field in SETTINGS},
        "tags": list(Tag.objects.for_user(user).values_list("name", flat=True)),
        "people": [
            {
                **{field: getattr(p, field) for field in PERSON_FIELDS},
                "met_on": _date(p.met_on),
                "tags": [t.name for t in p.tags.all()],
                "channels": [
                    {"kind": c.kind, "value": c.value, "label": c.label} for c in p.channels.all()
                ],
            }
            for p in people
        ],
        "conversations": [
            {
                "happened_on": _date(c.happened_on),
                "kind": c.kind,
                "place": c.place,
                "notes": c.notes,
                "people": sorted(index[p.pk] for p in c.people.all()),
                "stories": [
                    {
                        "person": index[s.person_id],
                        "text": s.text,
                        "topics": s.topics,
                        "ask_on": _date(s.ask_on),
                    }
                    for s in c.stories.all()
                ],
            }
            for c in conversations
        ],
        "favours": [
            {
                "person": index[f.person_id],
                "giver": f.giver,
                "origin": f.origin,
                "what": f.what,
                "happened_on": _date(f.happened_on),
                "status": f.status,
                "outcome": f.outcome,
            }
            for f in Favour.objects.for_user(user).order_by("happened_on", "pk")
        ],
        "touches": [
            {"person": index[t.person_id], "happened_on": _date(t.happened_on)}
            for t in Touch.objects.for_user(user).order_by("happened_on", "pk")
        ],
    }


def export_vcards(*, user: User) -> str:
    """All people as vCard 4.0, one card each."""
    cards = []
    for person in (
        Person.objects.for_user(user).order_by("name").prefetch_related("tags", "channels")
    ):
        card = vobject.vCard()
        card.add("version").value = "4.0"
        card.add("fn").value = person.name
        *given, family = person.name.split() or [""]
        card.add("n").value = vobject.vcard.Name(family=family, given=" ".join(given))
        for channel in person.channels.all():
            kind = VCARD_PROPERTY[Channel.Kind(channel.kind)]
            card.add(kind).value = channel.value
        note = "\n\n".join(part for part in (person.spark, person.notes) if part)
        if note:
            card.add("note").value = note
        tags = [t.name for t in person.tags.all()]
        if tags:
            card.add("categories").value = tags
        cards.append(card.serialize())
    return "".join(cards)


class UnreadableExport(ValueError):
    """The file cannot be imported; the message says why, in words for the user."""


@transaction.atomic
def import_account(*, user: User, data: Any) -> int:
    """Read a Knotwork export back into an empty account, all or nothing. Returns how many
    people came in."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UnreadableExport(_("This is not a Knotwork export."))
    if data.get("version") != VERSION:
        raise UnreadableExport(_("This export comes from another version of Knotwork."))
    if Person.objects.for_user(user).exists():
        raise UnreadableExport(_("Import an export into an empty account, so nothing is doubled."))
    try:
        return _import(user, data)
    except (KeyError, TypeError, ValueError, IndexError, ValidationError) as error:
        raise UnreadableExport(_("The file is damaged: %(error)s") % {"error": error}) from error


def _import(user: User, data: dict[str, Any]) -> int:
    for field in SETTINGS:
        if field in data["settings"]:
            setattr(user, field, data["settings"][field])
    user.full_clean(exclude=["password", "username", "email"])
    user.save()
    tags = {name: Tag.objects.create(owner=user, name=name) for name in data["tags"]}
    people = []
    for row in data["people"]:
        person = Person(owner=user, **{field: row[field] for field in PERSON_FIELDS})
        person.full_clean(exclude=["owner"])
        person.save()
        person.tags.set(tags[name] for name in row["tags"])
        for channel in row["channels"]:
            Channel.objects.create(person=person, **channel)
        people.append(person)
    for row in data["conversations"]:
        conversation = Conversation.objects.create(
            owner=user,
            happened_on=row["happened_on"],
            kind=row["kind"],
            place=row["place"],
            notes=row["notes"],
        )
        conversation.people.set(people[i] for i in row["people"])
        for story in row["stories"]:
            Story.objects.create(
                owner=user,
                conversation=conversation,
                person=people[story["person"]],
                text=story["text"],
                topics=story["topics"],
                ask_on=story["ask_on"],
            )
    for row in data["favours"]:
        Favour.objects.create(owner=user, **{**row, "person": people[row["person"]]})
    for row in data["touches"]:
        Touch.objects.create(
            owner=user, person=people[row["person"]], happened_on=row["happened_on"]
        )
    return len(people)
