"""Bring people in from a phone's address book (vCard 2.1, 3.0, 4.0) or a CSV from Google
Contacts or LinkedIn: parse everything first into a preview, write only on confirmation."""

import csv
import io
import quopri
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import vobject
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contacts.forms import validate_channel
from contacts.models import Channel, Person
from relationships.models import ImportBatch

MAX_BYTES = 5 * 1024 * 1024
# Files with more entries than this are read and written by a Celery task, with progress.
BACKGROUND_OVER = 500
APPLY_CHUNK = 500
CARD = re.compile(r"BEGIN:VCARD.*?END:VCARD", re.IGNORECASE | re.DOTALL)


class UnreadableFile(ValueError):
    """The whole file cannot be read; the message says why, for the user."""


@dataclass
class Candidate:
    """One person found in the file, and what importing would do with them."""

    name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    notes: str = ""
    error: str = ""
    match_id: int | None = None
    match_name: str = ""
    match_reason: str = ""

    def channels(self) -> list[tuple[str, str]]:
        return [
            *((Channel.Kind.EMAIL, v) for v in self.emails),
            *((Channel.Kind.PHONE, v) for v in self.phones),
            *((Channel.Kind.LINK, v) for v in self.links),
        ]


def decode(content: bytes, filename: str) -> tuple[str, int]:
    """The file's text, and about how many entries it holds; a clear error when it is too
    large or is neither a vCard nor a CSV file."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(_("This file is larger than 5 MB."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    if "BEGIN:VCARD" in text.upper():
        return text, text.upper().count("BEGIN:VCARD")
    if filename.lower().endswith(".csv") or "," in text.split("\n", 1)[0]:
        return text, text.count("\n")
    raise UnreadableFile(_("This is neither a vCard nor a CSV file."))


def parse(text: str, progress: Callable[[int], None] = lambda done: None) -> list[Candidate]:
    """Every person in the text, each checked on its own: one bad card is listed with its
    error and never sinks the rest."""
    if "BEGIN:VCARD" not in text.upper():
        return [_checked(c) for c in _from_csv(text)]
    found = []
    for done, chunk in enumerate(CARD.findall(text), start=1):
        found.append(_checked(_from_vcard(chunk)))
        if done % 500 == 0:
            progress(done)
    return found


def read_upload(content: bytes, filename: str) -> list[Candidate]:
    return parse(decode(content, filename)[0])


def _decode_quoted_printable(chunk: str) -> str:
    """vCard 2.1 phones write quoted-printable values and break long ones with a trailing "=",
    which vobject handles poorly: join and decode them here (only such values: a base64 photo
    may end in "=" too), leaving plain text that vobject reads well."""
    joined: list[str] = []
    continuing = False
    for line in chunk.splitlines():
        if continuing:
            joined[-1] = joined[-1][:-1] + line
        else:
            joined.append(line)
        head = joined[-1].split(":", 1)[0].upper()
        continuing = "QUOTED-PRINTABLE" in head and joined[-1].endswith("=")
    return "\r\n".join(_decoded(line) for line in joined)


def _decoded(line: str) -> str:
    head, _colon, value = line.partition(":")
    params = head.split(";")
    if not any(p.upper() == "ENCODING=QUOTED-PRINTABLE" for p in params):
        return line
    charset = next(
        (p.split("=", 1)[1] for p in params if p.upper().startswith("CHARSET=")), "utf-8"
    )
    try:
        text = quopri.decodestring(value.encode("ascii", "replace")).decode(charset, "replace")
    except LookupError:  # an unknown charset name
        text = quopri.decodestring(value.encode("ascii", "replace")).decode("utf-8", "replace")
    kept = [p for p in params if not p.upper().startswith(("ENCODING=", "CHARSET="))]
    return ";".join(kept) + ":" + text.replace(",", "\\,")


def _from_vcard(chunk: str) -> Candidate:
    try:
        card = vobject.readOne(_decode_quoted_printable(chunk), ignoreUnreadable=True)
    except Exception as error:  # vobject raises many kinds; each is this card's error
        return Candidate(
            error=_("This card cannot be read: %(error)s") % {"error": str(error)[:80]}
        )
    contents = card.contents
    name = contents["fn"][0].value if "fn" in contents else ""
    if not str(name).strip() and "n" in contents:
        n = contents["n"][0].value
        name = " ".join(part for part in (n.prefix, n.given, n.additional, n.family) if part)
    if not str(name).strip() and "org" in contents:
        name = " ".join(contents["org"][0].value)
    notes = [
        f"{key.upper()}: {_text(contents[key][0].value)}"
        for key in ("org", "title", "bday")
        if key in contents
    ]
    if "note" in contents:
        notes.append(_text(contents["note"][0].value))
    return Candidate(
        name=str(name).strip(),
        emails=[str(e.value).strip() for e in contents.get("email", [])],
        phones=[str(t.value).strip().removeprefix("tel:") for t in contents.get("tel", [])],
        links=[str(u.value).strip() for u in contents.get("url", [])],
        notes="\n".join(notes),
    )


def _text(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def _from_csv(text: str) -> list[Candidate]:
    lines = text.splitlines()
    # LinkedIn puts a few lines of notes above the header.
    start = next((i for i, line in enumerate(lines) if "name" in line.lower()), 0)
    rows = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    if not rows.fieldnames:
        raise UnreadableFile(_("This CSV file has no header row."))
    return [
        _from_row(
            {
                (k or "").strip().lower(): (v or "").strip()
                for k, v in row.items()
                if isinstance(v, str)
            }
        )
        for row in rows
    ]


def _from_row(row: dict[str, str]) -> Candidate:
    name = row.get("name") or " ".join(
        part
        for part in (row.get("first name"), row.get("middle name"), row.get("last name"))
        if part
    )

    def values(*prefixes: str) -> list[str]:
        found: list[str] = []
        for key, value in row.items():
            if value and any(key.startswith(p) for p in prefixes) and "value" in key:
                found.extend(v.strip() for v in value.split(":::"))
        return found

    emails = values("e-mail", "email") or [row[k] for k in ("email address",) if row.get(k)]
    links = values("website") or [row[k] for k in ("url", "profile url") if row.get(k)]
    notes = [
        f"{label}: {row[key]}"
        for key, label in (
            ("company", "Company"),
            ("position", "Position"),
            ("organization 1 - name", "ORG"),
            ("connected on", "Connected on"),
            ("notes", "Notes"),
            ("birthday", "BDAY"),
        )
        if row.get(key)
    ]
    return Candidate(
        name=name.strip(),
        emails=emails,
        phones=values("phone"),
        links=links,
        notes="\n".join(notes),
    )


def _checked(candidate: Candidate) -> Candidate:
    if candidate.error:
        return candidate
    if not candidate.name:
        candidate.error = _("No name in this entry.")
    elif len(candidate.name) > 200:
        candidate.error = _("The name is longer than 200 characters.")
    for kind, value in candidate.channels():
        try:
            validate_channel(kind, value)
        except ValidationError as error:
            candidate.error = f"{value}: {error.messages[0]}"
    return candidate


def name_key(name: str) -> str:
    """ "Brandt, Helga", "helga  brandt" and "Hélga Brandt" are the same name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(sorted(re.findall(r"[a-z0-9]+", plain)))


def phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-9:]


def match(*, user: User, candidates: list[Candidate]) -> list[Candidate]:
    """Find who is already known, by email, phone or the same name, in three queries."""
    people = {p.pk: p.name for p in Person.objects.for_user(user).only("pk", "name")}
    by_name = {name_key(name): pk for pk, name in people.items()}
    by_email: dict[str, int] = {}
    by_phone: dict[str, int] = {}
    channels = Channel.objects.filter(person__owner=user).values_list("person_id", "kind", "value")
    for person_id, kind, value in channels:
        if kind == Channel.Kind.EMAIL:
            by_email[value.lower()] = person_id
        elif kind == Channel.Kind.PHONE:
            by_phone[phone_key(value)] = person_id
    seen: dict[str, int] = {}
    for index, c in enumerate(candidates):
        if c.error:
            continue
        known = [by_email.get(e.lower()) for e in c.emails]
        known += [by_phone.get(phone_key(p)) for p in c.phones]
        by_channel = next((pk for pk in known if pk), None)
        hit = (by_channel, _("same email or phone")) if by_channel else None
        if hit is None and name_key(c.name) in by_name:
            hit = (by_name[name_key(c.name)], _("same name"))
        if hit:
            c.match_id, c.match_reason = hit
            c.match_name = people[hit[0]]
        elif name_key(c.name) in seen:
            c.match_reason = _("also earlier in this file")
        seen.setdefault(name_key(c.name), index)
    return candidates


def apply(
    *,
    user: User,
    candidates: list[dict[str, Any]],
    progress: Callable[[int], None] = lambda done: None,
) -> tuple[int, int]:
    """Write the previewed import, a chunk per transaction: new people are created, known ones
    get the channels they lack. Matching again before each chunk makes it resumable: after a
    crash, or run twice, nothing is created twice. Returns (created, updated)."""
    created = updated = 0
    for start in range(0, len(candidates), APPLY_CHUNK):
        chunk = [Candidate(**row) for row in candidates[start : start + APPLY_CHUNK]]
        with transaction.atomic():
            new, known = _apply_chunk(user, match(user=user, candidates=chunk))
        created, updated = created + new, updated + known
        progress(start + len(chunk))
    return created, updated


def _apply_chunk(user: User, candidates: list[Candidate]) -> tuple[int, int]:
    """One chunk in a fixed number of queries: the known people and their channels are read
    at once, new people and all new channels are written at once."""
    valid = [c for c in candidates if not c.error]
    known = Person.objects.in_bulk([c.match_id for c in valid if c.match_id])
    new: dict[str, Person] = {}
    for c in valid:
        if not c.match_id and name_key(c.name) not in new:
            new[name_key(c.name)] = Person(owner=user, name=c.name, notes=c.notes)
    Person.objects.bulk_create(new.values())
    owner_of = {id(c): known[c.match_id] if c.match_id else new[name_key(c.name)] for c in valid}
    have = set(
        Channel.objects.filter(person__in=list(known.values())).values_list(
            "person_id", "kind", "value"
        )
    )
    channels = []
    for c in valid:
        person = owner_of[id(c)]
        for kind, value in c.channels():
            if (person.pk, kind, value) not in have:
                have.add((person.pk, kind, value))
                channels.append(Channel(person=person, kind=kind, value=value))
    Channel.objects.bulk_create(channels)
    return len(new), len(valid) - len(new)


def _progress(batch: ImportBatch) -> Callable[[int], None]:
    def record(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed=done)

    return record


def import_read(*, batch: ImportBatch) -> None:
    """Turn the stored file into the preview, counting progress as it goes."""
    candidates = match(user=batch.owner, candidates=parse(batch.content, _progress(batch)))
    batch.candidates = [asdict(c) for c in candidates]
    batch.total = batch.processed = len(candidates)
    batch.status = ImportBatch.Status.PREVIEW
    batch.content = ""
    batch.save()


def import_apply(*, batch: ImportBatch) -> tuple[int, int]:
    """Write a confirmed import, counting progress as it goes."""
    result = apply(user=batch.owner, candidates=batch.candidates, progress=_progress(batch))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE, applied_at=timezone.now(), processed=batch.total
    )
    return result


def status(row: dict[str, Any]) -> str:
    """What importing does with a previewed entry: "new", "known" (or twice in the file), or
    "error"."""
    if row["error"]:
        return "error"
    return "known" if row["match_id"] or row["match_reason"] else "new"
