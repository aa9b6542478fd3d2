"""Everything a user has, out in one click: a versioned JSON file, and a vCard 4.0 file of
all people. The JSON is the format the account import reads back. Both are written as they
are read, a chunk of rows at a time, so an export takes the same memory whatever its size."""

import base64
import datetime
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import vobject
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.forms import PreferencesForm
from accounts.models import User
from connections.models import Connection, Introduction
from contacts.forms import PersonForm
from contacts.models import Channel, Person, PersonDate, Tag
from contacts.photos import CONTENT_TYPE, Photo, photo_read, photo_writer
from contacts.services import dates_add
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from relationships.models import Muscle

FORMAT = "knotwork-export"
VERSION = 1
# What a person sets in Settings, and what the person form edits: kept, field for field.
SETTINGS = PreferencesForm.Meta.fields
VCARD_PROPERTY = {Channel.Kind.EMAIL: "email", Channel.Kind.PHONE: "tel", Channel.Kind.LINK: "url"}
# Kept since people have them: exports made before have none.
LATER_FIELDS = ["organisation", "role", "city"]
PERSON_FIELDS = [f for f in [*PersonForm.Meta.fields, "archived"] if f not in LATER_FIELDS]
DATE_FIELDS = ["kind", "label", "month", "day", "year", "repeats"]
# Apple's labels for a date of one's own in a vCard, which Knotwork's import reads back.
APPLE_ANNIVERSARY = "_$!<Anniversary>!$_"


# Knotwork's own fields in a vCard, so that a round trip through a vCard file keeps them.
VCARD_FIELDS = {
    "spark": "X-KNOTWORK-SPARK",
    "met_at": "X-KNOTWORK-MET-AT",
    "met_on": "X-KNOTWORK-MET-ON",
    "circle": "X-KNOTWORK-CIRCLE",
    "cadence_days": "X-KNOTWORK-CADENCE",
    "is_knot": "X-KNOTWORK-KNOT",
    "status": "X-KNOTWORK-STATUS",
    "archived": "X-KNOTWORK-ARCHIVED",
}
# Until people have a field for it, an imported nickname is a line of the notes, which the
# vCard export gives back as NICKNAME.
NICKNAME = "NICKNAME"
NICKNAME_LINE = re.compile(rf"^{NICKNAME}: (.+)$", re.MULTILINE)
# A link's kind as vCard 4.0's RELATED TYPE says it (RFC 6350, 6.6.6); Knotwork's own kind and
# labels ride along as parameters, which its import reads back.
RELATED_TYPE = {
    Connection.Kind.PARTNER: "spouse",
    Connection.Kind.FAMILY: "kin",
    Connection.Kind.FRIEND: "friend",
    Connection.Kind.COLLEAGUE: "colleague",
    Connection.Kind.OTHER: "acquaintance",
}
# Rows written per query by the account import.
CHUNK = 1000
# Rows the exports read at a time, with what belongs to them: what an export holds in memory.
READ_CHUNK = 200
# How much of an export is sent at a time.
SEND_BYTES = 64 * 1024


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def export_sections(*, user: User) -> Iterator[tuple[str, Any]]:
    """The export's parts in order: each a value, or an iterator of rows read a chunk at a
    time. People are referred to by their position in the list, so the file carries no
    database ids."""
    # Not the stored search columns: only what the file holds is read.
    people = Person.objects.for_user(user).order_by("pk").defer("search", "listed")
    index = {pk: i for i, pk in enumerate(people.values_list("pk", flat=True))}
    snoozed = dict(
        Muscle.objects.for_user(user)
        .filter(snoozed_until__isnull=False)
        .values_list("person_id", "snoozed_until")
    )
    favours = Favour.objects.for_user(user).order_by("happened_on", "pk")
    favour_index = {pk: i for i, pk in enumerate(favours.values_list("pk", flat=True))}
    conversations = (
        Conversation.objects.for_user(user)
        .order_by("happened_on", "pk")
        .defer("search")
        .prefetch_related(Prefetch("people", queryset=Person.objects.only("pk")))
        .prefetch_related(
            Prefetch("stories", queryset=Story.objects.defer("search").order_by("pk"))
        )
    )
    yield "format", FORMAT
    yield "version", VERSION
    yield "exported_at", datetime.datetime.now(tz=datetime.UTC).isoformat()
    yield "settings", {field: getattr(user, field) for field in SETTINGS}
    yield "tags", list(Tag.objects.for_user(user).values_list("name", flat=True))
    yield (
        "people",
        (
            _person_row(p, snoozed.get(p.pk))
            for p in people.prefetch_related("tags", "channels")
            .prefetch_related(Prefetch("dates", PersonDate.objects.order_by("pk")))
            .iterator(READ_CHUNK)
        ),
    )
    yield "conversations", (_conversation_row(c, index) for c in conversations.iterator(READ_CHUNK))
    yield (
        "favours",
        (
            {
                "person": index[f.person_id],
                "giver": f.giver,
                "origin": f.origin,
                "what": f.what,
                "happened_on": _date(f.happened_on),
                "status": f.status,
                "outcome": f.outcome,
            }
            for f in favours.defer("search").iterator(READ_CHUNK)
        ),
    )
    yield (
        "connections",
        (
            {
                "a": index[c.person_a_id],
                "b": index[c.person_b_id],
                "kind": c.kind,
                "label": c.label,
                "reverse_label": c.reverse_label,
            }
            for c in Connection.objects.for_user(user).order_by("pk").iterator(READ_CHUNK)
        ),
    )
    # The favour each introduction recorded, by its place in "favours".
    yield (
        "introductions",
        (
            {
                "person": index[i.person_id],
                "introducer": index[i.introducer_id],
                "favour": favour_index.get(i.favour_id) if i.favour_id else None,
            }
            for i in Introduction.objects.for_user(user).order_by("pk").iterator(READ_CHUNK)
        ),
    )
    yield (
        "touches",
        (
            {"person": index[t.person_id], "happened_on": _date(t.happened_on)}
            for t in Touch.objects.for_user(user).order_by("happened_on", "pk").iterator(READ_CHUNK)
        ),
    )


def _person_row(person: Person, snoozed_until: datetime.date | None) -> dict[str, Any]:
    return {
        **{field: getattr(person, field) for field in PERSON_FIELDS + LATER_FIELDS},
        "met_on": _date(person.met_on),
        "photo": _photo_base64(person),
        "snoozed_until": _date(snoozed_until),
        "tags": [t.name for t in person.tags.all()],
        "channels": [
            {"kind": c.kind, "value": c.value, "label": c.label} for c in person.channels.all()
        ],
        "dates": [{field: getattr(d, field) for field in DATE_FIELDS} for d in person.dates.all()],
    }


def _conversation_row(conversation: Conversation, index: dict[int, int]) -> dict[str, Any]:
    return {
        "happened_on": _date(conversation.happened_on),
        "kind": conversation.kind,
        "place": conversation.place,
        "notes": conversation.notes,
        "people": sorted(index[p.pk] for p in conversation.people.all()),
        "stories": [
            {
                "person": index[s.person_id],
                "text": s.text,
                "topics": s.topics,
                "ask_on": _date(s.ask_on),
            }
            for s in conversation.stories.all()
        ],
    }


def export_account(*, user: User) -> dict[str, Any]:
    """The whole account as plain data, at once: for a file, `export_account_json` writes the
    same."""
    return {
        key: list(value) if isinstance(value, Iterator) else value
        for key, value in export_sections(user=user)
    }


def export_account_json(*, user: User) -> Iterator[bytes]:
    """The export as JSON text, piece by piece as its rows are read: a row to a line."""

    def pieces() -> Iterator[str]:
        for number, (key, value) in enumerate(export_sections(user=user)):
            yield f"{',' if number else '{'}\n  {json.dumps(key)}: "
            if not isinstance(value, Iterator):
                yield _json(value)
                continue
            yield "["
            for row_number, row in enumerate(value):
                yield f"{',' if row_number else ''}\n    {_json(row)}"
            yield "\n  ]"
        yield "\n}\n"

    return _in_chunks(pieces())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _in_chunks(pieces: Iterable[str]) -> Iterator[bytes]:
    """Small pieces of text sent as fewer, larger ones."""
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= SEND_BYTES:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    yield "".join(buffer).encode()


def _photo_base64(person: Person) -> str | None:
    """The large photo, in base64: the import makes the thumbnail again."""
    if not person.photo:
        return None
    try:
        with person.photo.open("rb") as file:
            return base64.b64encode(file.read()).decode()
    except FileNotFoundError:
        return None


def export_vcards(*, user: User) -> Iterator[bytes]:
    """All people as vCard 4.0, one card each, written as they are read. Links to other
    people are RELATED lines, on the card of the person each was made from."""
    related: dict[int, list[Connection]] = {}
    for link in Connection.objects.for_user(user).select_related("person_b").order_by("pk"):
        related.setdefault(link.person_a_id, []).append(link)
    people = Person.objects.for_user(user).order_by("name", "pk").defer("search", "listed")
    return _in_chunks(
        _vcard(person, related.get(person.pk, []))
        for person in people.prefetch_related("tags", "channels")
        .prefetch_related(Prefetch("dates", PersonDate.objects.order_by("pk")))
        .iterator(READ_CHUNK)
    )


def _vcard(person: Person, links: list[Connection]) -> str:
    """A person's card, with everything a vCard can hold: channels with their labels, tags as
    CATEGORIES, the notes, a nickname, the organisation and role, the city they live in as a
    home address, the photo, and Knotwork's own fields as X-KNOTWORK-* properties, which
    Knotwork's import reads back."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = person.name
    *given, family = person.name.split() or [""]
    card.add("n").value = vobject.vcard.Name(family=family, given=" ".join(given))
    for channel in person.channels.all():
        line = card.add(VCARD_PROPERTY[Channel.Kind(channel.kind)])
        line.value = channel.value
        if channel.label:
            line.params["TYPE"] = [channel.label.replace('"', "'")]  # no quotes in a param
    if nickname := NICKNAME_LINE.search(person.notes):
        card.add("nickname").value = nickname[1].strip()
    if person.organisation:
        card.add("org").value = [person.organisation]
    if person.role:
        card.add("title").value = person.role
    if person.city:
        address = card.add("adr")
        address.value = vobject.vcard.Address(city=person.city)
        address.params["TYPE"] = ["home"]
    _vcard_dates(card, list(person.dates.all()))
    if photo := _photo_base64(person):
        line = card.add("photo")
        line.value = f"data:{CONTENT_TYPE};base64,{photo}"
        line.encoded = True  # a URI: its ";" and "," are not to be escaped as in text
    # Other address books have no spark: it leads the note there, and the import, finding
    # it in X-KNOTWORK-SPARK too, takes it off again.
    note = "\n\n".join(part for part in (person.spark, person.notes) if part)
    if note:
        card.add("note").value = note
    tags = [t.name for t in person.tags.all()]
    if tags:
        card.add("categories").value = tags
    for link in links:
        line = card.add("related")
        line.value = link.person_b.name
        line.params["VALUE"] = ["text"]
        line.params["TYPE"] = [RELATED_TYPE[Connection.Kind(link.kind)]]
        line.params["X-KNOTWORK-KIND"] = [link.kind]
        for param, label in (
            ("X-KNOTWORK-LABEL", link.label),
            ("X-KNOTWORK-REVERSE", link.reverse_label),
        ):
            if label:
                line.params[param] = [label.replace('"', "'")]
    for field, prop in VCARD_FIELDS.items():
        if value := getattr(person, field):
            card.add(prop.lower()).value = _vcard_text(value)
    return card.serialize()


def _vcard_date(date: PersonDate) -> str:
    """vCard 4.0's date: "19710315", or "--0315" without a year."""
    year = f"{date.year:04d}" if date.year else "--"
    return f"{year}{date.month:02d}{date.day:02d}"


def _vcard_dates(card: Any, dates: list[PersonDate]) -> None:
    """The birthday as BDAY and the first anniversary as ANNIVERSARY, which every address
    book reads; every other date as Apple's X-ABDATE with its X-ABLabel in one item group.
    A date that happens once, and the label of a birthday or an anniversary, say so in
    parameters of Knotwork's own."""
    first: set[str] = set()
    for number, date in enumerate(dates, start=1):
        standard = {"birthday": "bday", "anniversary": "anniversary"}.get(date.kind)
        if standard and standard not in first:
            first.add(standard)
            line = card.add(standard)
        else:
            line = card.add("x-abdate")
            line.group = f"date{number}"
            label = card.add("x-ablabel")
            label.group = line.group
            label.value = APPLE_ANNIVERSARY if date.kind == "anniversary" else date.title()
        line.value = _vcard_date(date)
        if not date.repeats:
            line.params["X-KNOTWORK-REPEATS"] = ["no"]
        if date.label and date.kind != "other":  # another date's label is its X-ABLabel
            line.params["X-KNOTWORK-LABEL"] = [date.label.replace('"', "'")]  # no quotes in a param


def _vcard_text(value: object) -> str:
    if value is True:
        return "true"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


class UnreadableExport(ValueError):
    """The file cannot be imported; the message says why, in words for the user."""


def import_account(*, user: User, data: Any) -> int:
    """Read a Knotwork export back into an empty account, all or nothing, photos included.
    Returns how many people came in."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UnreadableExport(_("This is not a Knotwork export."))
    if data.get("version") != VERSION:
        raise UnreadableExport(_("This export comes from another version of Knotwork."))
    try:
        # Photos are written as people are; if anything fails, they go again.
        with photo_writer() as write, transaction.atomic():
            if Person.objects.for_user(user).exists():
                raise UnreadableExport(
                    _("Import an export into an empty account, so nothing is doubled.")
                )
            return _import(user, data, write)
    except UnreadableExport:
        raise
    # A photo that is not one is damage too (PhotoRefused is a ValueError).
    # A link to oneself, or twice between two people, is damage too (IntegrityError).
    except (KeyError, TypeError, ValueError, IndexError, ValidationError, IntegrityError) as error:
        raise UnreadableExport(_("The file is damaged: %(error)s") % {"error": error}) from error


def _chunks[T](rows: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _checked[M: models.Model](obj: M, *exclude: str) -> M:
    """Validated as a form would, without the foreign keys, whose checks would cost a query
    per row (they are ours, made just now)."""
    obj.full_clean(exclude=["owner", *exclude], validate_unique=False, validate_constraints=False)
    return obj


def _import(user: User, data: dict[str, Any], write: Callable[[Photo], tuple[str, str]]) -> int:
    """Everything written in bulk: a fixed number of queries for each chunk of rows. Each
    photo is read as an upload is, never trusted: only a real image is kept."""
    for field in SETTINGS:
        if field in data["settings"]:
            setattr(user, field, data["settings"][field])
    user.full_clean(exclude=["password", "username", "email"])
    user.save()
    tags = _tags(user, [str(name) for name in data["tags"]])
    people: list[Person] = []
    for rows in _chunks(data["people"]):
        chunk = [
            _checked(
                Person(
                    owner=user,
                    **{field: row[field] for field in PERSON_FIELDS},
                    **{field: row.get(field, "") for field in LATER_FIELDS},
                )
            )
            for row in rows
        ]
        for person, row in zip(chunk, rows, strict=True):
            if row.get("photo"):
                photo = photo_read(data=base64.b64decode(row["photo"]))
                person.photo, person.photo_thumbnail = write(photo)
        Person.objects.bulk_create(chunk)
        people.extend(chunk)
        pairs = zip(chunk, rows, strict=True)
        Person.tags.through.objects.bulk_create(
            Person.tags.through(person_id=person.pk, tag_id=tags[name.lower()])
            for person, row in pairs
            for name in row["tags"]
        )
        Channel.objects.bulk_create(
            _checked(Channel(person=person, **channel), "person")
            for person, row in zip(chunk, rows, strict=True)
            for channel in row["channels"]
        )
        dates_add(
            dates=[
                _checked(PersonDate(owner=user, person=person, **date), "person")
                for person, row in zip(chunk, rows, strict=True)
                for date in row.get("dates", [])  # exports before dates were kept have none
            ]
        )
        Muscle.objects.bulk_create(
            Muscle(
                person=person,
                owner=user,
                snoozed_until=datetime.date.fromisoformat(row["snoozed_until"]),
            )
            for person, row in zip(chunk, rows, strict=True)
            if row.get("snoozed_until")  # exports before it was kept have none
        )
    for rows in _chunks(data["conversations"]):
        conversations = [
            _checked(
                Conversation(
                    owner=user,
                    happened_on=row["happened_on"],
                    kind=row["kind"],
                    place=row["place"],
                    notes=row["notes"],
                )
            )
            for row in rows
        ]
        Conversation.objects.bulk_create(conversations)
        through = Conversation.people.through
        through.objects.bulk_create(
            through(conversation_id=conversation.pk, person_id=people[i].pk)
            for conversation, row in zip(conversations, rows, strict=True)
            for i in row["people"]
        )
        Story.objects.bulk_create(
            _checked(
                Story(
                    owner=user,
                    conversation=conversation,
                    person=people[story["person"]],
                    text=story["text"],
                    topics=story["topics"],
                    ask_on=story["ask_on"],
                ),
                "conversation",
                "person",
            )
            for conversation, row in zip(conversations, rows, strict=True)
            for story in row["stories"]
        )
    favours: list[Favour] = []
    for rows in _chunks(data["favours"]):
        favours.extend(
            Favour.objects.bulk_create(
                _checked(Favour(owner=user, **{**row, "person": people[row["person"]]}), "person")
                for row in rows
            )
        )
    # Exports made before connections have none.
    for rows in _chunks(data.get("connections", [])):
        Connection.objects.bulk_create(
            _checked(
                Connection(
                    owner=user,
                    person_a=people[row["a"]],
                    person_b=people[row["b"]],
                    kind=row["kind"],
                    label=row["label"],
                    reverse_label=row["reverse_label"],
                ),
                "person_a",
                "person_b",
            )
            for row in rows
        )
    for rows in _chunks(data.get("introductions", [])):
        Introduction.objects.bulk_create(
            Introduction(
                owner=user,
                person=people[row["person"]],
                introducer=people[row["introducer"]],
                favour=favours[row["favour"]] if row["favour"] is not None else None,
            )
            for row in rows
        )
    for rows in _chunks(data["touches"]):
        Touch.objects.bulk_create(
            _checked(
                Touch(owner=user, person=people[row["person"]], happened_on=row["happened_on"]),
                "person",
            )
            for row in rows
        )
    return len(people)


def _tags(user: User, names: list[str]) -> dict[str, int]:
    """The export's tags, made once each (the names are unique whatever their case), by their
    lower-case name."""
    unique = {name.lower(): name for name in names}
    for name in unique.values():
        _checked(Tag(owner=user, name=name))
    Tag.objects.bulk_create(
        [Tag(owner=user, name=name) for name in unique.values()], ignore_conflicts=True
    )
    return dict(
        Tag.objects.for_user(user)
        .annotate(lower=Lower("name"))
        .filter(lower__in=list(unique))
        .values_list("lower", "pk")
    )
