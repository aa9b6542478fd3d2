"""Bring people in from a phone's address book (vCard 2.1, 3.0, 4.0) or a CSV from Google
Contacts, LinkedIn or Excel: read everything into a preview first, write only on confirmation."""

import base64
import binascii
import codecs
import csv
import datetime
import io
import logging
import quopri
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import vobject
from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from common.dates import DayOfYear, read_date
from connections.models import Connection
from contacts.forms import MAX_TAGS, validate_channel
from contacts.models import Channel, Person, PersonDate, Tag
from contacts.photos import NOT_A_PHOTO, Photo, PhotoRefused, photo_read, photo_writer
from contacts.services import dates_add
from portability.export import DATE_FIELDS, NICKNAME, VCARD_FIELDS
from portability.models import ImportBatch

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
# Files with more entries than this are read and written by a Celery task, with progress.
BACKGROUND_OVER = 500
CHUNK = 500
# A busy batch whose progress has not moved for this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=15)
# A batch is a file on its way in: a day after it was uploaded it has arrived or been forgotten.
KEPT_FOR = datetime.timedelta(days=1)
MAX_NOTES = Person._meta.get_field("notes").max_length or 10000
MAX_VALUE = Channel._meta.get_field("value").max_length or 300
MAX_LABEL = Channel._meta.get_field("label").max_length or 50
MAX_TAG = Tag._meta.get_field("name").max_length or 50
MAX_DATE_LABEL = PersonDate._meta.get_field("label").max_length or 100
BIRTHDAY, ANNIVERSARY, OTHER = PersonDate.Kind.values
MAX_NAME = Person._meta.get_field("name").max_length or 200
MAX_LINK_LABEL = Connection._meta.get_field("label").max_length or 50
# A related person who is not among the user's people stays a line of the notes.
RELATED = "RELATED"
# A field may be as long as the whole file: the csv module's default of 128 KiB would refuse a
# long note, and no accepted file is larger than MAX_BYTES.
csv.field_size_limit(MAX_BYTES)

NEW, KNOWN, MAYBE, ERROR = "new", "known", "maybe", "error"
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
NAME_COLUMNS = {"name", "first name", "last name", "given name", "family name"}
# Parts of a name in the order they are written, in Google's current and older CSV headers.
NAME_PARTS = [
    ("first name", "given name"),
    ("middle name", "additional name"),
    ("last name", "family name"),
]
# vCard TYPE values that say nothing a person would call a label.
PLAIN_TYPES = {"internet", "pref", "voice", "x400", "uri"}
STANDARD_TYPES = {"home", "work", "cell", "fax", "pager", "text", "video", "main", "other"}
# Properties whose value is one text, where a comma is part of the text (a photo's data URI
# has one after "base64").
ONE_TEXT = {"FN", "NOTE", "TITLE", "ROLE", "PHOTO"}
# What an entry may bring to a person who lacks it, known or new.
FILLED = ("organisation", "role", "city")
PHOTO_FIELDS = ("photo", "photo_thumbnail")
# Columns for where someone works and lives, in order of preference: Google's older and newer
# CSV, LinkedIn's and Outlook's.
ORGANISATION_COLUMNS = ("organization 1 - name", "organization name", "company")
ROLE_COLUMNS = ("organization 1 - title", "organization title", "position", "job title")
CITY_COLUMNS = ("home city", "other city", "business city")
UNESCAPED_COMMA = re.compile(r"(?<!\\),")


class UnreadableFile(ValueError):
    """The whole file cannot be read; the message says why, for the user."""


@dataclass
class Candidate:
    """One person found in the file, and what importing would do with them."""

    name: str = ""
    channels: list[list[str]] = field(default_factory=list)  # [kind, value, label]
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    # The person's own fields: organisation, role and city, and Knotwork's X-KNOTWORK-* ones.
    fields: dict[str, Any] = field(default_factory=dict)
    photo: dict[str, str] = field(default_factory=dict)  # the Photo's sizes, in base64
    # Birthdays, anniversaries and other dates: kind, label, month, day, year, repeats.
    dates: list[dict[str, Any]] = field(default_factory=list)
    # People this one is linked to, by name: [name, kind, label, reverse label].
    related: list[list[str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # values left out, each with why
    error: str = ""
    # Set by matching:
    status: str = ""  # NEW, KNOWN, MAYBE or ERROR
    match_id: int | None = None
    match_name: str = ""
    match_channels: list[str] = field(default_factory=list)
    match_reason: str = ""
    same_as: int | None = None  # an earlier entry in the file that is the same person

    @property
    def emails(self) -> list[str]:
        return [value for kind, value, _label in self.channels if kind == Channel.Kind.EMAIL]

    @property
    def phones(self) -> list[str]:
        return [value for kind, value, _label in self.channels if kind == Channel.Kind.PHONE]

    @property
    def links(self) -> list[str]:
        return [value for kind, value, _label in self.channels if kind == Channel.Kind.LINK]

    def person(self, owner: User) -> Person:
        return Person(owner=owner, name=self.name, notes=self.notes, **self.fields)

    def stored_photo(self) -> Photo | None:
        if not self.photo:
            return None
        return Photo(**{size: base64.b64decode(data) for size, data in self.photo.items()})


# Reading the file ----------------------------------------------------------------------------


def read_text(content: bytes, filename: str) -> tuple[str, int]:
    """The file's text, and about how many entries it holds; a clear error when it is empty,
    too large, or neither a vCard nor a CSV file with a column for names."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(_("This file is larger than 5 MB."))
    text = _decoded(content)
    if not text.strip():
        raise UnreadableFile(_("This file is empty."))
    if _is_vcard(text):
        return text, sum(1 for line in text.split("\n") if _is_begin(line))
    if _table(text) is None:
        if filename.lower().endswith((".csv", ".tsv", ".txt")):
            raise UnreadableFile(
                _("This CSV file has no column for names, like “Name” or “First Name”.")
            )
        raise UnreadableFile(_("This is neither a vCard nor a CSV file."))
    return text, text.count("\n")


def _decoded(content: bytes) -> str:
    """The text in whatever encoding it came: a BOM decides, then UTF-8, then the best guess
    of charset-normalizer, preferring Windows-1252 (a superset of Latin-1) when it reads the
    bytes as well, since a short German or French file reads the same in several code pages."""
    text = next((content.decode(c, "replace") for b, c in BOMS if content.startswith(b)), None)
    if text is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            best = from_bytes(content).best()
            if best is None:  # no encoding makes text of it: binary
                raise UnreadableFile(_("This is neither a vCard nor a CSV file.")) from None
            western = from_bytes(content, cp_isolation=["cp1252"]).best()
            text = str(western if western and western.chaos <= best.chaos else best)
    return _clean(text.replace("\r\n", "\n").replace("\r", "\n"))


def _clean(text: str) -> str:
    """PostgreSQL refuses NUL in text and JSON, and lone surrogates cannot be encoded: neither
    ever belongs in a name or an address."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def parse(text: str, progress: Callable[[int], None] = lambda done: None) -> list[Candidate]:
    """Every person in the text, each checked on its own: one bad entry is listed with its
    error and never sinks the rest."""
    entries = _vcards(text) if _is_vcard(text) else _csv_rows(text)
    found = []
    for done, candidate in enumerate(entries, start=1):
        found.append(_checked(candidate))
        if done % CHUNK == 0:
            progress(done)
    return found


# vCard


def _is_vcard(text: str) -> bool:
    return "BEGIN:VCARD" in text.upper()


def _is_begin(line: str) -> bool:
    return line.strip().upper() == "BEGIN:VCARD"


def _vcards(text: str) -> Iterator[Candidate]:
    """Each card from BEGIN to END. A card cut off before its END:VCARD, by the file ending or
    by the next card beginning, is one error, and the next card reads normally."""
    card: list[str] | None = None
    for line in text.split("\n"):
        if _is_begin(line):
            if card is not None:
                yield _truncated(card)
            card = [line]
        elif card is not None:
            card.append(line)
            if line.strip().upper() == "END:VCARD":
                yield _from_vcard("\n".join(card))
                card = None
    if card is not None:
        yield _truncated(card)


def _truncated(lines: list[str]) -> Candidate:
    name = next((line.split(":", 1)[1] for line in lines if line.upper().startswith("FN:")), "")
    return Candidate(name=name.strip(), error=_("This card is cut off: it has no END:VCARD."))


def _from_vcard(chunk: str) -> Candidate:
    try:
        return _read_card(chunk)
    # vobject raises many kinds, and a damaged card can give values of unexpected shapes:
    # whatever goes wrong is this card's error, unless it was only the photo (vobject decodes
    # base64 as it reads, and gives up on the whole card at a damaged photo).
    except Exception as error:
        without_photo = _without_photo(chunk)
        if without_photo != chunk:
            try:
                candidate = _read_card(without_photo)
            except Exception:  # noqa: S110 -- the card's own error, below, says what is wrong
                pass
            else:
                candidate.dropped.append(_("Photo: %(why)s") % {"why": NOT_A_PHOTO})
                return candidate
        return Candidate(
            error=_("This card cannot be read: %(error)s") % {"error": str(error)[:80]}
        )


def _read_card(chunk: str) -> Candidate:
    return _from_card(vobject.readOne(_prepared(chunk), ignoreUnreadable=True).contents)


BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]*$")


def _without_photo(chunk: str) -> str:
    """The card without its PHOTO lines: the property, its folded lines, and the bare base64
    lines and blank line that end a vCard 2.1 photo."""
    kept: list[str] = []
    in_photo = False
    for line in chunk.split("\n"):
        name = re.split(r"[;:]", line, maxsplit=1)[0].split(".")[-1].strip().upper()
        if name == "PHOTO":
            in_photo = True
        elif not (in_photo and (line[:1] in {" ", "\t"} or BASE64_LINE.match(line.strip()))):
            in_photo = False
            kept.append(line)
    return "\n".join(kept)


def _from_card(contents: dict[str, list[Any]]) -> Candidate:
    def texts(key: str) -> list[str]:
        return [t for line in contents.get(key, []) if (t := _text(line.value).strip())]

    name = next(iter(texts("fn")), "")
    if not name and "n" in contents:
        n = contents["n"][0].value
        name = " ".join(_text(p) for p in (n.prefix, n.given, n.additional, n.family) if p)
    organisations = [
        organisation
        for line in contents.get("org", [])
        if (organisation := ", ".join(p for p in map(_text, _parts(line.value)) if p.strip()))
    ]
    name = name or next(iter(organisations), "") or next(iter(texts("nickname")), "")
    fields = {key: found[0] for key, prop in VCARD_FIELDS.items() if (found := texts(prop.lower()))}
    roles = texts("title") or texts("role")
    work = {"organisation": organisations[:1], "role": roles[:1], "city": _city(contents)[:1]}
    fields |= {key: values[0] for key, values in work.items() if values}
    note = "\n".join(texts("note"))
    spark = fields.get("spark", "")
    if spark and note.startswith(spark):  # Knotwork's export puts the spark first in NOTE
        note = note.removeprefix(spark).lstrip("\n")
    dates, unread = _card_dates(contents)
    # A second organisation or title has no field, nor has a date that is no date ("circa
    # 1800"): each stays a line of the notes.
    heading = [
        f"{label}: {value}"
        for label, values in (
            (NICKNAME, texts("nickname")),
            ("ORG", organisations[1:]),
            ("TITLE", roles[1:]),
            *unread,
        )
        for value in values
    ]
    lines = note.split("\n")
    photo, dropped = _card_photo(contents)
    return Candidate(
        related=_related(contents),
        name=name,
        channels=[
            [kind, _text(line.value).strip().removeprefix("tel:"), _label(line)]
            for key, kind in (("email", "email"), ("tel", "phone"), ("url", "link"))
            for line in contents.get(key, [])
        ],
        tags=[tag for line in contents.get("categories", []) for tag in _list(line.value)],
        # A heading line already in the note came back from Knotwork's own export.
        notes="\n".join([h for h in heading if h not in lines] + ([note] if note else [])),
        fields=fields,
        photo=photo,
        dates=dates,
        dropped=dropped,
    )


# Apple writes its standard labels as "_$!<Anniversary>!$_", a label of one's own as it is.
APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")


def _card_dates(contents: dict[str, list[Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """A card's BDAY, ANNIVERSARY and Apple's X-ABDATE (labelled by the X-ABLabel of the same
    item group) as dates, and the ones that are no date, by property, for the notes."""
    dates: list[dict[str, Any]] = []
    unread: dict[str, list[str]] = {}
    labels = {
        line.group.lower(): _text(line.value).strip()
        for line in contents.get("x-ablabel", [])
        if line.group
    }
    for prop, kind in (("bday", BIRTHDAY), ("anniversary", ANNIVERSARY), ("x-abdate", OTHER)):
        for line in contents.get(prop, []):
            text = _text(line.value).strip()
            label = labels.get((line.group or "").lower(), "") if prop == "x-abdate" else ""
            standard = APPLE_LABEL.match(label)
            label = standard[1] if standard else label
            date = read_date(text)
            if date is None:
                if text:
                    unread.setdefault(prop.upper(), []).append(text)
                continue
            if "X-APPLE-OMIT-YEAR" in line.params:
                date = DayOfYear(date.month, date.day)
            once = [v.lower() for v in line.params.get("X-KNOTWORK-REPEATS", [])] == ["no"]
            # Knotwork's export says the label typed for any kind, an anniversary's too.
            own = line.params.get("X-KNOTWORK-LABEL", [""])[0]
            dates.append(_date(kind, label, date, repeats=not once, own_label=own))
    return dates, list(unread.items())


def _date(
    kind: str, label: str, date: DayOfYear, *, repeats: bool = True, own_label: str = ""
) -> dict[str, Any]:
    """A date as the import keeps it. Apple's "Anniversary" label is the anniversary."""
    if kind == OTHER and label.lower() in {"anniversary", "jahrestag"}:
        kind, label = ANNIVERSARY, ""
    elif kind == OTHER and label.lower() in {"birthday", "geburtstag"}:
        kind, label = BIRTHDAY, ""
    elif kind == OTHER and not label:
        label = _("Date")
    return {
        "kind": kind,
        "label": own_label or label,
        "month": date.month,
        "day": date.day,
        "year": date.year,
        "repeats": repeats,
    }


# vCard 4.0 RELATED types (RFC 6350, 6.6.6) and Apple's X-ABRELATEDNAMES labels, as a kind of
# link; a type that says more than its kind ("child") is kept as the link's label.
RELATED_KINDS = {
    "spouse": ("partner", ""),
    "sweetheart": ("partner", ""),
    "date": ("partner", ""),
    "crush": ("partner", ""),
    "partner": ("partner", ""),
    "husband": ("partner", "husband"),
    "wife": ("partner", "wife"),
    "kin": ("family", ""),
    "friend": ("friend", ""),
    "colleague": ("colleague", ""),
    "co-worker": ("colleague", ""),
    "assistant": ("colleague", "assistant"),
    "manager": ("colleague", "manager"),
    "contact": ("other", ""),
    "acquaintance": ("other", ""),
    "met": ("other", ""),
}
FAMILY = {"child", "parent", "sibling", "mother", "father", "brother", "sister", "son", "daughter"}
URI = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _related_kind(said: str) -> tuple[str, str]:
    said = said.strip().lower()
    if said in FAMILY:
        return "family", said
    return RELATED_KINDS.get(said, ("other", said))


def _related(contents: dict[str, list[Any]]) -> list[list[str]]:
    """The people a card names as related: vCard 4.0 RELATED lines with a name (a link or a
    urn:uuid: names no one who can be found), and Apple's X-ABRELATEDNAMES with the label of
    their group. Knotwork's own export says its kind and labels in X-KNOTWORK-* parameters."""
    found = []
    for line in contents.get("related", []):
        name = _text(line.value).strip()
        if not name or URI.match(name):
            continue
        types = [t for value in line.params.get("TYPE", []) for t in value.split(",")]
        kind, label = _related_kind(types[0] if types else "")
        own = line.params.get("X-KNOTWORK-KIND", [""])[0]
        if own in Connection.Kind.values:
            kind, label = own, line.params.get("X-KNOTWORK-LABEL", [""])[0]
        reverse = line.params.get("X-KNOTWORK-REVERSE", [""])[0]
        found.append([name, kind, label, reverse])
    labels = {
        line.group: _text(line.value).strip()
        for line in contents.get("x-ablabel", [])
        if line.group
    }
    for line in contents.get("x-abrelatednames", []):
        if name := _text(line.value).strip():
            said = labels.get(line.group, "")
            apple = APPLE_LABEL.match(said)
            found.append([name, *_related_kind(apple[1] if apple else said), ""])
    return found


def _city(contents: dict[str, list[Any]]) -> list[str]:
    """The towns of the card's addresses, the home address first: where someone lives."""

    def home(line: Any) -> bool:
        types = [*line.params.get("TYPE", []), *line.singletonparams]
        return any("home" in t.lower() for t in types)

    addresses = sorted(contents.get("adr", []), key=lambda line: not home(line))
    return [city for line in addresses if (city := _text(getattr(line.value, "city", "")).strip())]


def _card_photo(contents: dict[str, list[Any]]) -> tuple[dict[str, str], list[str]]:
    """The card's first photo that is in the card itself (base64, or a data: URI), read and
    ready to store; why a photo was left out, if one was. A photo the card only links to is
    never fetched: no request leaves the server for it."""
    dropped: list[str] = []
    for line in contents.get("photo", []):
        data = _photo_data(line.value)
        if data is None:
            continue
        try:
            photo = photo_read(data=data)
        except PhotoRefused as error:
            dropped.append(_("Photo: %(why)s") % {"why": error})
            continue
        sizes = asdict(photo).items()
        return {size: base64.b64encode(content).decode() for size, content in sizes}, []
    return {}, dropped


def _photo_data(value: Any) -> bytes | None:
    """A photo's bytes: vobject decodes base64 (vCard 2.1 and 3.0) itself; vCard 4.0 writes a
    data: URI. None for anything else, which is a link."""
    if isinstance(value, bytes):
        return value
    text = _text(value).strip()
    if not text.lower().startswith("data:"):
        return None
    header, _comma, payload = text.partition(",")
    if not header.lower().endswith(";base64"):
        return None  # a picture written out as URL-escaped text: no phone writes one
    try:
        return base64.b64decode("".join(payload.split()))
    except (binascii.Error, ValueError):
        return b""  # not base64: refused as not a photo


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return " ".join(_text(v) for v in value) if isinstance(value, list) else str(value)


def _parts(value: Any) -> list[Any]:
    """A structured value's parts (ORG: the organisation, then its units)."""
    return value if isinstance(value, list) else [value]


def _list(value: Any) -> list[str]:
    return [_text(v) for v in value] if isinstance(value, list) else _text(value).split(",")


def _label(line: Any) -> str:
    """The channel's label from its vCard TYPE (or vCard 2.1's bare parameters): "work",
    "cell", or a label of the user's own that Knotwork's export wrote."""
    types: list[str] = []
    for value in [*line.params.get("TYPE", []), *line.singletonparams]:
        parts = value.split(",")  # TYPE="voice,cell", but keep a label of one's own whole
        usual = all(p.strip().lower() in PLAIN_TYPES | STANDARD_TYPES for p in parts)
        if usual:
            types.extend(p.strip() for p in parts)
        else:
            types.append(value)
    label = next((t for t in types if t.lower() not in PLAIN_TYPES), "")
    return label.lower() if label.lower() in STANDARD_TYPES else label


def _prepared(chunk: str) -> str:
    """A card as vobject reads it well. vCard 2.1 phones write quoted-printable values and
    break long ones with a trailing "=", which vobject handles poorly: join and decode them
    here (only such values: a base64 photo may end in "=" too). And vobject cuts a text value
    at its first unescaped comma, which vCard 2.1 never escapes and many writers forget: escape
    them in the properties that hold one text."""
    prop = ""
    lines = []
    for line in _decode_quoted_printable(chunk).split("\r\n"):
        if line[:1] in {" ", "\t"}:  # a folded line goes on with the property before
            head, value = "", line
        else:
            head, _colon, value = line.partition(":")
            head += _colon
            prop = head.split(";")[0].split(".")[-1].rstrip(":").upper()
        if prop in ONE_TEXT or prop.startswith("X-KNOTWORK-"):
            value = UNESCAPED_COMMA.sub("\\,", value)
        lines.append(head + value)
    return "\r\n".join(lines)


def _decode_quoted_printable(chunk: str) -> str:
    joined: list[str] = []
    continuing = False
    for line in chunk.split("\n"):
        if continuing:
            joined[-1] = joined[-1][:-1] + line
        else:
            joined.append(line)
        head = joined[-1].split(":", 1)[0].upper()
        continuing = "QUOTED-PRINTABLE" in head and joined[-1].endswith("=")
    return "\r\n".join(_decoded_line(line) for line in joined)


def _decoded_line(line: str) -> str:
    head, _colon, value = line.partition(":")
    params = head.split(";")
    if not any(p.upper() == "ENCODING=QUOTED-PRINTABLE" for p in params):
        return line
    charset = next(
        (p.split("=", 1)[1] for p in params if p.upper().startswith("CHARSET=")), "utf-8"
    )
    raw = quopri.decodestring(value.encode("ascii", "replace"))
    try:
        text = raw.decode(charset, "replace")
    except LookupError:  # an unknown charset name, or one that is not a text encoding
        text = raw.decode("utf-8", "replace")
    kept = [p for p in params if not p.upper().startswith(("ENCODING=", "CHARSET="))]
    return ";".join(kept) + ":" + text.replace(",", "\\,")


# CSV


def _table(text: str) -> tuple[int, dict[str, Any]] | None:
    """Where the header row is, and how the file is written (as parameters to the csv module's
    "excel" dialect). LinkedIn puts a few lines of notes above the header; German Excel
    separates with semicolons, its "Unicode text" with tabs."""
    lines = text.split("\n")
    for start, line in enumerate(lines[:50]):
        plain = [d for d in ",;\t" if _is_header(line, {"delimiter": d})]
        if not plain:
            continue
        sample = "\n".join(lines[start : start + 20])[:65536]
        try:
            sniffed = csv.Sniffer().sniff(sample, ",;\t")
        except csv.Error:  # too little to tell
            return start, {"delimiter": plain[0]}
        # Spreadsheets double a quote inside a quoted field, always; the sniffer often fails to
        # see it (in a field with a comma), so only its delimiter and quoting are taken.
        params = {
            "delimiter": sniffed.delimiter,
            "quotechar": sniffed.quotechar or '"',
            "skipinitialspace": sniffed.skipinitialspace,
        }
        return start, params if _is_header(line, params) else {"delimiter": plain[0]}
    return None


def _is_header(line: str, params: dict[str, Any]) -> bool:
    cells = next(csv.reader([line], "excel", **params), [])
    return bool(NAME_COLUMNS & {_column(cell) for cell in cells})


def _column(cell: str) -> str:
    return " ".join(cell.strip().lower().split())


def _csv_rows(text: str) -> Iterator[Candidate]:
    table = _table(text)
    if table is None:
        raise UnreadableFile(
            _("This CSV file has no column for names, like “Name” or “First Name”.")
        )
    start, params = table
    rows = csv.reader(io.StringIO("\n".join(text.split("\n")[start:])), "excel", **params)
    header = [_column(cell) for cell in next(rows)]
    for row in rows:
        if any(cell.strip() for cell in row):
            yield _from_row(dict(zip(header, (cell.strip() for cell in row), strict=False)))


def _from_row(row: dict[str, str]) -> Candidate:
    name = row.get("name") or " ".join(
        part for names in NAME_PARTS if (part := next((row[n] for n in names if row.get(n)), ""))
    )

    def values(kind: str, *prefixes: str) -> list[list[str]]:
        found: list[list[str]] = []
        for key, value in row.items():
            if value and key.startswith(prefixes) and key.endswith("value"):
                label = row.get(key.removesuffix("value") + "label", "").lstrip("* ")
                found.extend([kind, v.strip(), label] for v in value.split(":::"))
        return found

    emails = values("email", "e-mail", "email") or [
        ["email", row[k], ""] for k in ("email address", "e-mail address") if row.get(k)
    ]
    links = values("link", "website") or [
        ["link", row[k], ""] for k in ("url", "profile url") if row.get(k)
    ]
    notes = [
        f"{label}: {row[key]}"
        for key, label in (
            ("nickname", NICKNAME),
            ("connected on", "Connected on"),
            ("notes", "Notes"),
        )
        if row.get(key)
    ]
    dates, unread = _row_dates(row)
    notes += unread
    work = {
        "organisation": next((row[k] for k in ORGANISATION_COLUMNS if row.get(k)), ""),
        "role": next((row[k] for k in ROLE_COLUMNS if row.get(k)), ""),
        "city": _row_city(row),
    }
    # Labels that start with "* " are Google's own groups, like "* myContacts".
    labels = [t.strip() for t in row.get("labels", "").split(":::") if t.strip()[:2] != "* "]
    return Candidate(
        name=name,
        channels=[*emails, *values("phone", "phone"), *links],
        tags=labels,
        notes="\n".join(notes),
        fields={key: value for key, value in work.items() if value},
        dates=dates,
    )


def _row_dates(row: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Google's "Birthday" column and its numbered events ("Event 1 - Type", "Event 1 -
    Value"), as dates; a value that is no date stays a line of the notes."""
    found = [(BIRTHDAY, "", row.get("birthday", ""))]
    numbered = (key for key in row if re.fullmatch(r"event \d+ - value", key))
    events = sorted(key.removesuffix(" - value") for key in numbered)
    for event in events:
        label = row.get(f"{event} - type", "") or row.get(f"{event} - label", "")
        found.append((OTHER, label.lstrip("* ").strip(), row.get(f"{event} - value", "")))
    dates: list[dict[str, Any]] = []
    unread: list[str] = []
    for kind, label, text in found:
        for value in (v.strip() for v in text.split(":::") if v.strip()):
            date = read_date(value)
            if date is None:
                unread.append(f"{'BDAY' if kind == BIRTHDAY else label or 'Event'}: {value}")
            else:
                dates.append(_date(kind, label, date))
    return dates, unread


def _row_city(row: dict[str, str]) -> str:
    """Where someone lives: Google's numbered addresses ("Address 1 - City", with the home one
    first by its type or label), else Outlook's "Home City" and the rest."""
    numbered = sorted(
        (key.removesuffix(" - city") for key in row if re.fullmatch(r"address \d+ - city", key)),
        key=lambda address: (
            "home"
            not in (row.get(f"{address} - type", "") + row.get(f"{address} - label", "")).lower()
        ),
    )
    cities = [row.get(f"{address} - city", "") for address in numbered]
    cities += [row.get(column, "") for column in CITY_COLUMNS]
    return next((city.split(":::")[0].strip() for city in cities if city.strip()), "")


# Checking each entry


def _checked(candidate: Candidate) -> Candidate:
    """Clean every text; an entry without a usable name is an error, while a bad value (an
    email, a phone, a tag, one of Knotwork's fields) is only left out, and listed."""
    candidate.name = " ".join(_clean(candidate.name).split())
    if candidate.error:
        candidate.error = _clean(candidate.error)
        return candidate
    if not candidate.name:
        candidate.error = _("No name in this entry.")
    elif len(candidate.name) > 200:
        candidate.error = _("The name is longer than 200 characters.")
    dropped = candidate.dropped
    channels: dict[tuple[str, str], list[str]] = {}
    for kind, raw, label in candidate.channels:
        value = _clean(raw).strip()
        if not value:
            continue
        try:
            _validate_channel(kind, value)
        except ValidationError as error:
            dropped.append(f"{value[:80]}: {error.messages[0]}")
        else:
            key = (kind, _channel_key(kind, value) or value)
            channels.setdefault(key, [kind, value, _clean(label)[:MAX_LABEL]])
    candidate.channels = list(channels.values())
    candidate.tags = _tags(candidate.tags, dropped)
    candidate.notes = _clean(candidate.notes).strip()
    if len(candidate.notes) > MAX_NOTES:
        candidate.notes = candidate.notes[:MAX_NOTES]
        dropped.append(_("The notes were cut to %(max)d characters.") % {"max": MAX_NOTES})
    candidate.fields = _fields(candidate.fields, dropped)
    candidate.dates = _dates(candidate.dates, dropped)
    candidate.related = [
        [name[:MAX_NAME], kind, _clean(label)[:MAX_LINK_LABEL], _clean(reverse)[:MAX_LINK_LABEL]]
        for raw, kind, label, reverse in candidate.related
        if (name := " ".join(_clean(raw).split()))
    ]
    return candidate


def _dates(raw: list[dict[str, Any]], dropped: list[str]) -> list[dict[str, Any]]:
    """Each date checked as the form checks it: a birthday's year in the future is left
    out (the day is kept); a date that cannot be is listed as dropped. A second birthday
    is the first again when it can be (the same day); any other goes into the notes when the
    entry is written (`dates_add`), and the preview says so."""
    kept: list[PersonDate] = []
    birthday: PersonDate | None = None
    for values in raw:
        values = {**values, "label": _clean(str(values.get("label") or ""))[:MAX_DATE_LABEL]}
        date = PersonDate(**values)
        try:
            date.full_clean(
                exclude=["owner", "person"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            if "year" in error.message_dict and date.repeats and date.kind == BIRTHDAY:
                date.year = None
            else:
                day = f"{date.day}.{date.month}.{date.year or ''}"
                dropped.append(f"{day}: {' '.join(error.messages)}")
                continue
        if date.kind == BIRTHDAY:
            if birthday is None:
                birthday = date
            elif birthday.absorb(date):
                continue
            else:
                dropped.append(
                    _("%(day)s: a person has one birthday, so this one goes into the notes.")
                    % {"day": date.note_line()}
                )
        kept.append(date)
    return [{field: getattr(date, field) for field in DATE_FIELDS} for date in kept]


def _validate_channel(kind: str, value: str) -> None:
    if len(value) > MAX_VALUE:
        raise ValidationError(_("Longer than %(max)d characters.") % {"max": MAX_VALUE})
    if kind == Channel.Kind.EMAIL:
        # An address book is not a mail server: accept letters of any script before the "@"
        # (fynn.çelik@example.de) by checking the address with them stood in for by ASCII.
        local, at, domain = value.rpartition("@")
        local = "".join(c if c.isascii() or not c.isalnum() else "x" for c in local)
        EmailValidator(message=_("Enter a valid email address, like name@example.org."))(
            local + at + domain
        )
    else:
        validate_channel(kind, value)


def _tags(names: list[str], dropped: list[str]) -> list[str]:
    kept: dict[str, str] = {}
    for raw in names:
        name = " ".join(_clean(raw).split())
        if len(name) > MAX_TAG:
            dropped.append(
                _("Tag longer than %(max)d characters: %(tag)s")
                % {"max": MAX_TAG, "tag": name[:80]}
            )
        elif name and len(kept) >= MAX_TAGS:
            dropped.append(_("More than %(max)d tags: %(tag)s") % {"max": MAX_TAGS, "tag": name})
        elif name:
            kept.setdefault(name.lower(), name)
    return list(kept.values())


def _fields(raw: dict[str, Any], dropped: list[str]) -> dict[str, Any]:
    """Knotwork's own fields, each checked as the person model checks it."""
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        model_field = Person._meta.get_field(key)
        assert isinstance(model_field, models.Field)  # noqa: S101 -- VCARD_FIELDS are columns
        text = _clean(str(value)).strip()
        if isinstance(model_field, models.BooleanField):
            fields[key] = text.lower() in {"true", "yes", "1"}
            continue
        try:
            cleaned = model_field.clean(text, None)
        except ValidationError as error:
            dropped.append(f"{model_field.verbose_name}: {text[:80]} ({error.messages[0]})")
        else:
            fields[key] = cleaned.isoformat() if isinstance(cleaned, datetime.date) else cleaned
    return fields


# Matching ------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """ "Brandt, Helga", "helga  brandt" and "Hélga Brandt" are the same name, compared in
    Unicode: Иван Петров, 王芳 and Αλέξης keep every letter."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(re.findall(r"\w+", plain)))


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[-9:] if len(digits) >= 5 else ""


def _channel_key(kind: str, value: str) -> str:
    if kind == Channel.Kind.PHONE:
        return phone_key(value)
    if kind == Channel.Kind.LINK:
        return re.sub(r"^https?://(www\.)?|/+$", "", value.strip().casefold())
    return value.strip().casefold()


@dataclass
class _Known:
    """The user's people as matching and filling in need them, read in two queries."""

    names: dict[int, str]
    channels: dict[int, list[tuple[str, str, str]]]  # person: (kind, key, value)
    by_channel: dict[tuple[str, str], list[int]]
    by_name: dict[str, list[int]]
    # What an entry may fill in, as each person has it now: FILLED, then the photo's two files.
    filled: dict[int, tuple[str, ...]]

    @classmethod
    def load(cls, user: User) -> "_Known":
        names: dict[int, str] = {}
        filled: dict[int, tuple[str, ...]] = {}
        people = Person.objects.for_user(user).order_by("pk")
        for pk, name, *values in people.values_list("pk", "name", *FILLED, *PHOTO_FIELDS):
            names[pk], filled[pk] = name, tuple(values)
        channels: dict[int, list[tuple[str, str, str]]] = {}
        by_channel: dict[tuple[str, str], list[int]] = {}
        rows = Channel.objects.filter(person__owner=user).order_by("pk")
        for person_id, kind, value in rows.values_list("person_id", "kind", "value"):
            key = _channel_key(kind, value)
            channels.setdefault(person_id, []).append((kind, key or value, value))
            if key:
                by_channel.setdefault((kind, key), []).append(person_id)
        by_name: dict[str, list[int]] = {}
        for pk, name in names.items():
            if key := name_key(name):
                by_name.setdefault(key, []).append(pk)
        return cls(names, channels, by_channel, by_name, filled)


def match(*, user: User, candidates: list[Candidate], offset: int = 0) -> list[Candidate]:
    """Decide for each entry, in two queries, whether it is new, already known or maybe the
    same as someone. An email or phone in common is the same person; so is a link in common
    under the same name. The same name alone is only "maybe": names are shared by different
    people. Entries of the file that share a channel are one person. `offset` is the first
    entry's position in the file, by which entries refer to earlier ones."""
    return _match(_Known.load(user), candidates, offset)


def _match(known: _Known, candidates: list[Candidate], offset: int) -> list[Candidate]:
    seen: dict[tuple[str, str], int] = {}  # a channel in the file: its first entry
    names: dict[int, str] = {}
    for index, c in enumerate(candidates, start=offset):
        c.status, c.match_id, c.match_name, c.match_reason = NEW, None, "", ""
        c.match_channels, c.same_as = [], None
        if c.error:
            c.status = ERROR
            continue
        key = name_key(c.name)
        names[index] = key
        channels = [(kind, _channel_key(kind, value)) for kind, value, _label in c.channels]
        channels = [(kind, k) for kind, k in channels if k]
        person, shared = _same_person(known, channels, key)
        earlier = next(
            (
                seen[ch]
                for ch in channels
                if ch in seen and (ch[0] != Channel.Kind.LINK or names[seen[ch]] == key)
            ),
            None,
        )
        if person is not None:
            c.status, c.match_id = KNOWN, person
            link = shared == Channel.Kind.LINK
            c.match_reason = _("same name and link") if link else _("same email or phone")
        elif earlier is not None:
            c.status, c.same_as = KNOWN, earlier
        elif key and key in known.by_name:
            c.status, c.match_id = MAYBE, known.by_name[key][0]
            c.match_channels = [value for _k, _key, value in known.channels.get(c.match_id, [])]
        if c.match_id:
            c.match_name = known.names[c.match_id]
        elif c.same_as is not None:
            c.match_name = candidates[c.same_as - offset].name
        for channel in channels:
            seen.setdefault(channel, index if c.same_as is None else c.same_as)
    return candidates


def _same_person(
    known: _Known, channels: list[tuple[str, str]], key: str
) -> tuple[int | None, str]:
    """Who shares a channel with the entry (a link counts only under the same name), and the
    kind of channel they share."""
    for kind, channel_key in channels:
        for person in known.by_channel.get((kind, channel_key), []):
            if kind != Channel.Kind.LINK or name_key(known.names[person]) == key:
                return person, kind
    return None, ""


# Writing -------------------------------------------------------------------------------------


def apply(
    *, batch: ImportBatch, progress: Callable[[int], None] = lambda done: None
) -> tuple[int, int]:
    """Write the previewed import, a chunk per transaction: new people are created, known ones
    get the channels and tags they lack, and each "maybe" the user chose to merge goes into the
    person shown beside it. Matching again before each chunk, against the people as they are
    now, makes it resumable (after a crash, or run twice, nothing is created twice) and means a
    person merged or deleted since the preview is never written to. Returns (created, updated)."""
    created = updated = 0
    merges = set(batch.merges)
    related: list[tuple[int, list[list[str]]]] = []
    for start in range(0, len(batch.candidates), CHUNK):
        rows = batch.candidates[start : start + CHUNK]
        # A chunk that fails takes its photos' files with it.
        with photo_writer() as write, transaction.atomic():
            # The batch's row lock makes a second run (a retry while a lost task came back)
            # wait for this chunk, then match against what it wrote.
            if (
                not ImportBatch.objects.select_for_update()
                .filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING)
                .values_list("pk")
                .first()
            ):
                break  # discarded, or given up as stalled, meanwhile
            new, known, linked = _apply_chunk(batch.owner, rows, start, merges, write)
        created, updated = created + new, updated + known
        related += linked
        progress(start + len(rows))
    else:
        with transaction.atomic():
            _related_apply(batch.owner, related)
    return created, updated


def _related_apply(user: User, related: list[tuple[int, list[list[str]]]]) -> None:
    """Once everyone is in, link each person to the people their entry named as related, found
    by name among all the user's people; one not found (or not told apart from a namesake)
    becomes a line of the notes. Run again, it adds nothing: a pair is linked once, and a
    line already in the notes is not added again."""
    if not any(names for _pk, names in related):
        return
    by_name: dict[str, list[int]] = {}
    for pk, name in Person.objects.for_user(user).values_list("pk", "name"):
        by_name.setdefault(name_key(name), []).append(pk)
    links: dict[frozenset[int], Connection] = {}
    lines: dict[int, list[str]] = {}
    for person, names in related:
        for name, kind, label, reverse in names:
            named = by_name.get(name_key(name), [])
            found = [pk for pk in named if pk != person]
            if not found and person in named:
                continue  # the card names its own person
            if len(found) == 1:
                pair = frozenset((person, found[0]))
                links.setdefault(
                    pair,
                    Connection(
                        owner=user,
                        person_a_id=person,
                        person_b_id=found[0],
                        kind=kind,
                        label=label,
                        reverse_label=reverse,
                    ),
                )
            else:
                lines.setdefault(person, []).append(
                    f"{RELATED}: {name}" + (f" ({label})" if label else "")
                )
    Connection.objects.bulk_create(links.values(), ignore_conflicts=True)
    noted: list[Person] = []
    for someone in Person.objects.filter(pk__in=lines).only("pk", "notes"):
        have = someone.notes.split("\n")
        new = [line for line in lines[someone.pk] if line not in have]
        if new:
            someone.notes = "\n".join([someone.notes, *new] if someone.notes else new)[:MAX_NOTES]
            noted.append(someone)
    Person.objects.bulk_update(noted, ["notes"])


def _apply_chunk(
    user: User,
    rows: list[dict[str, Any]],
    offset: int,
    merges: set[int],
    write: Callable[[Photo], tuple[str, str]],
) -> tuple[int, int, list[tuple[int, list[list[str]]]]]:
    """One chunk in a fixed number of queries: the people and their channels are read at
    once; new people, what known ones lacked, new channels and tags are written at once."""
    known = _Known.load(user)
    previewed = [row["match_id"] for row in rows]
    candidates = _match(known, [Candidate(**row) for row in rows], offset)
    target: dict[int, int | Person] = {}
    new: list[Person] = []
    for index, c in enumerate(candidates, start=offset):
        chosen = previewed[index - offset]
        if c.status == ERROR:
            continue
        if c.same_as is not None:
            target[index] = target[c.same_as]
        elif c.status == KNOWN and c.match_id:
            target[index] = c.match_id
        elif c.status == MAYBE and index in merges and chosen in known.names:
            target[index] = chosen
        else:
            someone = c.person(user)
            new.append(someone)
            target[index] = someone
    filled = _fill(known, target, candidates, offset, write)
    Person.objects.bulk_create(new)
    Person.objects.bulk_update(filled, [*FILLED, *PHOTO_FIELDS])

    def pk(person: int | Person) -> int:
        return person if isinstance(person, int) else person.pk

    have = {
        (person, kind, key) for person, chans in known.channels.items() for kind, key, _ in chans
    }
    channels: list[Channel] = []
    tags: dict[int, list[str]] = {}
    for index, person in target.items():
        c = candidates[index - offset]
        for kind, value, label in c.channels:
            key = (pk(person), kind, _channel_key(kind, value) or value)
            if key not in have:
                have.add(key)
                channels.append(Channel(person_id=pk(person), kind=kind, value=value, label=label))
        tags.setdefault(pk(person), []).extend(c.tags)
    Channel.objects.bulk_create(channels)
    _tags_add(user, tags)
    dates: dict[int, list[dict[str, Any]]] = {}
    for index, person in target.items():
        dates.setdefault(pk(person), []).extend(candidates[index - offset].dates)
    _dates_add(user, dates)
    related = [
        (pk(person), candidates[index - offset].related)
        for index, person in target.items()
        if candidates[index - offset].related
    ]
    return len(new), len(target) - len(new), related


def _dates_add(user: User, wanted: dict[int, list[dict[str, Any]]]) -> None:
    """Give people the dates they lack, one birthday a person (`dates_add`)."""
    dates_add(
        dates=[
            PersonDate(owner=user, person_id=person, **values)
            for person, dates in wanted.items()
            for values in dates
        ]
    )


def _fill(
    known: _Known,
    target: dict[int, int | Person],
    candidates: list[Candidate],
    offset: int,
    write: Callable[[Photo], tuple[str, str]],
) -> list[Person]:
    """Give each person the organisation, role, city and photo they lack, from the first entry
    that has them: a known person (returned, to be updated) keeps what they have, and a second
    entry for one new person adds to the first."""
    existing: dict[int, Person] = {}
    for index, person in target.items():
        c = candidates[index - offset]
        if isinstance(person, int):
            if person not in existing:
                values = dict(zip((*FILLED, *PHOTO_FIELDS), known.filled[person], strict=True))
                existing[person] = Person(pk=person, **values)
            person = existing[person]
        for name in FILLED:
            if not getattr(person, name) and c.fields.get(name):
                setattr(person, name, c.fields[name])
        if not person.photo and (photo := c.stored_photo()):
            person.photo, person.photo_thumbnail = write(photo)
    return [
        person
        for pk, person in existing.items()
        if tuple(str(getattr(person, name)) for name in (*FILLED, *PHOTO_FIELDS))
        != known.filled[pk]
    ]


def _tags_add(user: User, wanted: dict[int, list[str]]) -> None:
    """Give people their tags, creating the tags the user does not have yet, in three queries."""
    names = {name.lower(): name for names in wanted.values() for name in names}
    if not names:
        return
    Tag.objects.bulk_create(
        [Tag(owner=user, name=name) for name in names.values()], ignore_conflicts=True
    )
    tags = dict(
        Tag.objects.for_user(user)
        .annotate(lower=Lower("name"))
        .filter(lower__in=list(names))
        .values_list("lower", "pk")
    )
    through = Person.tags.through
    through.objects.bulk_create(
        [
            through(person_id=person, tag_id=tags[name.lower()])
            for person, names_ in wanted.items()
            for name in names_
            if name.lower() in tags
        ],
        ignore_conflicts=True,
    )


# The batch's life ----------------------------------------------------------------------------


def _progress(batch: ImportBatch) -> Callable[[int], None]:
    def record(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed=done, updated_at=timezone.now())

    return record


def _fail(batch: ImportBatch, error: Exception, reason: str) -> None:
    logger.exception("Import batch %s failed", batch.pk, exc_info=error)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, error=reason[:300], updated_at=timezone.now()
    )


def import_read(*, batch: ImportBatch) -> None:
    """Turn the stored file into the preview, counting progress as it goes, with errors in the
    user's language. If anything goes wrong, the batch is marked failed with the reason, and
    keeps the file to try again."""
    with translation.override(batch.owner.language):
        try:
            found = parse(batch.content, _progress(batch))
            candidates = match(user=batch.owner, candidates=found)
        except UnreadableFile as error:
            _fail(batch, error, str(error))
            return
        except Exception as error:  # whatever it is, the batch must not stay "reading"
            _fail(batch, error, _("Something went wrong while reading the file."))
            return
    batch.candidates = [asdict(c) for c in candidates]
    batch.total = batch.processed = len(candidates)
    batch.status = ImportBatch.Status.PREVIEW
    batch.content = ""
    batch.save()


def import_apply(*, batch: ImportBatch) -> tuple[int, int] | None:
    """Write a confirmed import, counting progress as it goes; None if it failed, in which
    case the batch says why and can be tried again: what was written stays, and is matched."""
    try:
        created, updated = apply(batch=batch, progress=_progress(batch))
    except Exception as error:  # whatever it is, the batch must not stay "importing"
        with translation.override(batch.owner.language):
            reason = _(
                "Importing stopped part way. The people written so far are kept; "
                "trying again writes only the rest."
            )
        _fail(batch, error, reason)
        return None
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING).update(
        status=ImportBatch.Status.DONE,
        applied_at=timezone.now(),
        processed=batch.total,
        updated_at=timezone.now(),
    )
    return created, updated


def import_retry(*, batch: ImportBatch) -> bool:
    """Claim a failed batch for another try: read again if it failed before its preview was
    ready, written again if it failed while importing. False if it is not failed (any more)."""
    again = ImportBatch.Status.READING if batch.content else ImportBatch.Status.IMPORTING
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.FAILED).update(
        status=again, error="", processed=0, updated_at=timezone.now()
    )
    batch.refresh_from_db()
    return bool(claimed)


def import_batches_tidy() -> tuple[int, int]:
    """Mark a busy batch whose worker died as failed, so its page stops waiting and offers to
    try again; remove batches uploaded more than a day ago, file and all. Returns how many
    were marked failed and how many removed."""
    now = timezone.now()
    stalled = ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.READING, ImportBatch.Status.IMPORTING],
        updated_at__lt=now - STALLED_AFTER,
    ).select_related("owner")
    marked = 0
    for batch in stalled:
        with translation.override(batch.owner.language):
            reason = _("It stopped without finishing, perhaps because the server restarted.")
        # Only if it is still stuck: a batch that moved on meanwhile is left alone.
        marked += ImportBatch.objects.filter(
            pk=batch.pk, status=batch.status, updated_at=batch.updated_at
        ).update(status=ImportBatch.Status.FAILED, error=reason, updated_at=now)
    removed, _by_model = ImportBatch.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    return marked, removed
