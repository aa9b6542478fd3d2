"""Every way a date comes in keeps what was typed: each kind of date, each of its fields, by
every path (the date form, the person form, quick capture on the page and through the API,
vCard and CSV files as phones and Google write them, and Knotwork's own exports read back),
read back through the API and shown on the person's page.

A kind, a field or a path added later is covered here without anyone adding a test: the case
list is made from `PersonDate.Kind`, `PersonDate.RULES` and `PATHS`, and the first test fails
until a new path says, for every kind and field, that it keeps it or why its format cannot."""

import html
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse

from accounts.models import AccessToken, User
from accounts.services import token_create
from contacts.models import Person, PersonDate
from portability.export import export_account, import_account
from tests.conftest import reauthenticate
from tests.factories import PersonFactory, UserFactory, drawn_form
from tests.walk import content_of

BIRTHDAY, ANNIVERSARY, OTHER = PersonDate.Kind.values
FIELDS = ["kind", "label", "day", "month", "year", "repeats"]
LABELS = {
    BIRTHDAY: "Her 50th",
    ANNIVERSARY: "Wedding anniversary with Max",
    OTHER: "Moved to Lisbon",
}


def typed(kind: str, field: str) -> dict[str, Any] | None:
    """The date typed to show that `field` comes through for `kind`: a plain one of its kind
    with that field set to something other than what it would be anyway. None when the
    kind's rules do not let it be set (a birthday has no label and always repeats)."""
    rules = PersonDate.RULES[kind]
    date = {
        "kind": kind,
        "label": LABELS[kind] if rules.label_required else "",
        "day": 12,
        "month": 11,
        "year": None,
        "repeats": True,
    }
    if field == "label" and not rules.label_offered:
        return None
    if field == "repeats" and not rules.may_happen_once:
        return None
    changed = {
        "kind": {},
        "label": {"label": LABELS[kind]},
        "day": {"day": 29},
        "month": {"month": 2},
        "year": {"year": 1971},
        "repeats": {"repeats": False, "year": 2019},
    }[field]
    return date | changed


# Writing a date through one path; each returns the person (of the user it gives) who has it.
Writer = Callable[[User, Client, dict[str, Any]], tuple[User, Person]]


def _date_text(date: dict[str, Any], *, dashes: bool = False) -> str:
    """ "19711112" or "--1112"; with dashes "1971-11-12" or "--11-12"."""
    sep = "-" if dashes else ""
    day = f"{date['month']:02d}{sep}{date['day']:02d}"
    return f"{date['year']:04d}{sep}{day}" if date["year"] else f"--{day}"


def by_date_form(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    person = PersonFactory(owner=user, name="Helga Brandt")
    sent = {f: "" if date[f] is None else date[f] for f in ("kind", "label", "day", "month")}
    sent |= {"year": date["year"] or ""} | drawn_form()
    if date["repeats"]:
        sent["repeats"] = "on"
    response = client.post(reverse("contacts:date_create", args=[person.pk]), sent)
    assert response.status_code == 302, response.text
    return user, person


def by_person_form(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    sent = {
        "name": "Helga Brandt",
        "circle": "wider",
        "status": "known",
        "channels-TOTAL_FORMS": "0",
        "channels-INITIAL_FORMS": "0",
        "birthday_day": date["day"],
        "birthday_month": date["month"],
        "birthday_year": date["year"] or "",
    } | drawn_form()
    response = client.post(reverse("contacts:create"), sent)
    assert response.status_code == 302, response.text
    return user, Person.objects.for_user(user).get()


def _capture_fields(date: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Helga Brandt",
        "birthday_day": date["day"],
        "birthday_month": date["month"],
        "birthday_year": date["year"],
    }


def by_capture(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    sent = _capture_fields(date) | {"birthday_year": date["year"] or ""}
    sent |= {"key": str(uuid.uuid4()), "account": user.device_tag, "favour_giver": "me"}
    response = client.post(reverse("capture:page"), sent)
    assert response.status_code == 302, response.text
    return user, Person.objects.for_user(user).get()


def by_api_capture(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    secret = token_create(owner=user, name="Phone", scope=AccessToken.Scope.WRITE)[1]
    response = client.post(
        "/api/v1/capture",
        {
            "name": "Helga Brandt",
            "birthday": {"day": date["day"], "month": date["month"], "year": date["year"]},
            "key": str(uuid.uuid4()),
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.text
    return user, Person.objects.for_user(user).get()


def _import(user: User, client: Client, name: str, content: str) -> tuple[User, Person]:
    response = client.post(
        reverse("portability:import_contacts"),
        {"contacts": SimpleUploadedFile(name, content.encode())} | drawn_form(),
    )
    assert response.status_code == 302, response.text
    batch = resolve(response.url).kwargs["batch_pk"]
    client.post(reverse("portability:import_confirm", args=[batch]))
    return user, Person.objects.for_user(user).get()


def by_vcard(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    """BDAY and ANNIVERSARY, as RFC 6350 writes them and every phone reads them."""
    prop = {BIRTHDAY: "BDAY", ANNIVERSARY: "ANNIVERSARY"}[date["kind"]]
    card = f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Helga Brandt\r\n{prop}:{_date_text(date)}\r\n"
    return _import(user, client, "helga.vcf", card + "END:VCARD\r\n")


def by_apple_vcard(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    """As Apple's Contacts writes them: a year it does not know as 1604, marked to omit; the
    anniversary and a date of one's own as X-ABDATE, labelled by the X-ABLabel of its group."""
    year = f"{date['year']:04d}" if date["year"] else "1604"
    value = f"{year}-{date['month']:02d}-{date['day']:02d}"
    omit = "" if date["year"] else ";X-APPLE-OMIT-YEAR=1604"
    if date["kind"] == BIRTHDAY:
        lines = f"BDAY{omit}:{value}\r\n"
    else:
        label = "_$!<Anniversary>!$_" if date["kind"] == ANNIVERSARY else date["label"]
        lines = f"item1.X-ABDATE{omit}:{value}\r\nitem1.X-ABLabel:{label}\r\n"
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\n{lines}END:VCARD\r\n"
    return _import(user, client, "apple.vcf", card)


def by_google_csv(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    """Google Contacts' CSV: the Birthday column, and numbered events with a type."""
    value = _date_text(date, dashes=True)
    birthday, event = (value, "") if date["kind"] == BIRTHDAY else ("", value)
    kind = {BIRTHDAY: "", ANNIVERSARY: "Anniversary", OTHER: date["label"]}[date["kind"]]
    rows = "Name,Birthday,Event 1 - Type,Event 1 - Value\n"
    rows += f"Helga Brandt,{birthday},{kind},{event}\n"
    return _import(user, client, "google.csv", rows)


def _in_alices_account(date: dict[str, Any]) -> User:
    alice = UserFactory()
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    PersonDate.objects.create(owner=alice, person=helga, **date)
    return alice


def by_knotwork_vcard(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    """Knotwork's vCard export of another account, imported."""
    alice = _in_alices_account(date)
    exporter = Client()
    exporter.force_login(alice)
    reauthenticate(exporter)
    exported = content_of(exporter.get(reverse("portability:export_vcf"))).decode()
    return _import(user, client, "knotwork-people.vcf", exported)


def by_knotwork_json(user: User, client: Client, date: dict[str, Any]) -> tuple[User, Person]:
    """Knotwork's full export of another account, imported into this empty one."""
    exported = json.loads(json.dumps(export_account(user=_in_alices_account(date)), default=str))
    import_account(user=user, data=exported)
    return user, Person.objects.for_user(user).get()


@dataclass(frozen=True)
class DatePath:
    name: str
    write: Writer
    # Per kind, the fields the path keeps; every other one has its reason in `cannot`, by
    # kind ("other") or by kind and field ("birthday.label").
    carries: dict[str, set[str]]
    cannot: dict[str, str]


ALL = set(FIELDS)
PART = {"kind", "day", "month", "year"}
PATHS = [
    DatePath("date form", by_date_form, dict.fromkeys(LABELS, ALL), {}),
    DatePath(
        "person form",
        by_person_form,
        {BIRTHDAY: PART},
        {ANNIVERSARY: "it asks for the birthday", OTHER: "it asks for the birthday"},
    ),
    DatePath(
        "capture",
        by_capture,
        {BIRTHDAY: PART},
        {ANNIVERSARY: "it asks for the birthday", OTHER: "it asks for the birthday"},
    ),
    DatePath(
        "API capture",
        by_api_capture,
        {BIRTHDAY: PART},
        {ANNIVERSARY: "it asks for the birthday", OTHER: "it asks for the birthday"},
    ),
    DatePath(
        "vCard BDAY and ANNIVERSARY",
        by_vcard,
        {BIRTHDAY: PART, ANNIVERSARY: PART},
        {
            OTHER: "RFC 6350 has no date of one's own",
            f"{ANNIVERSARY}.label": "RFC 6350's ANNIVERSARY has no label",
            f"{ANNIVERSARY}.repeats": "RFC 6350's dates have no 'once'",
        },
    ),
    DatePath(
        "Apple's X-ABDATE and X-ABLabel",
        by_apple_vcard,
        {BIRTHDAY: PART, ANNIVERSARY: PART, OTHER: PART | {"label"}},
        {
            f"{ANNIVERSARY}.label": "Apple's anniversary is the label _$!<Anniversary>!$_ itself",
            f"{ANNIVERSARY}.repeats": "Apple's dates have no 'once'",
            f"{OTHER}.repeats": "Apple's dates have no 'once'",
        },
    ),
    DatePath(
        "Google's CSV",
        by_google_csv,
        {BIRTHDAY: PART, ANNIVERSARY: PART, OTHER: PART | {"label"}},
        {
            f"{ANNIVERSARY}.label": "Google's anniversary is the event type 'Anniversary' itself",
            f"{ANNIVERSARY}.repeats": "Google's events have no 'once'",
            f"{OTHER}.repeats": "Google's events have no 'once'",
        },
    ),
    DatePath("Knotwork's vCard export", by_knotwork_vcard, dict.fromkeys(LABELS, ALL), {}),
    DatePath("Knotwork's export", by_knotwork_json, dict.fromkeys(LABELS, ALL), {}),
]


def test_every_path_says_for_every_kind_and_field_that_it_keeps_it_or_why_not():
    for path in PATHS:
        for kind in PersonDate.Kind.values:
            for field in FIELDS:
                if typed(kind, field) is None:
                    continue  # the kind's rules let no one type it
                kept = field in path.carries.get(kind, set())
                why = path.cannot.get(kind) or path.cannot.get(f"{kind}.{field}")
                assert kept != bool(why), (path.name, kind, field)


CASES = [
    pytest.param(path, kind, field, id=f"{path.name}-{kind}-{field}")
    for path in PATHS
    for kind in PersonDate.Kind.values
    for field in FIELDS
    if typed(kind, field) is not None and field in path.carries.get(kind, set())
]


@pytest.mark.parametrize(("path", "kind", "field"), CASES)
def test_what_was_typed_is_kept_and_shown(
    path: DatePath, kind: str, field: str, alice: User, alice_client: Client
):
    date = typed(kind, field)
    assert date is not None
    owner, person = path.write(alice, alice_client, date)

    reader = token_create(owner=owner, name="Script", scope=AccessToken.Scope.READ)[1]
    response = Client().get(
        f"/api/v1/people/{person.pk}", headers={"Authorization": f"Bearer {reader}"}
    )
    (kept,) = response.json()["dates"]
    assert {f: kept[f] for f in FIELDS} == date
    if date["label"]:
        client = Client()
        client.force_login(owner)
        page = html.unescape(client.get(person.get_absolute_url()).text)
        assert date["label"] in page
