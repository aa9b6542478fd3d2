import base64
import copy
import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
import vobject
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from PIL import Image

from accounts.models import User
from connections.models import Connection, Introduction
from connections.services import introduction_set
from contacts.models import Person
from conversations.models import Story, Touch
from portability.export import UnreadableExport, export_account, import_account
from relationships.models import Muscle
from tests.conftest import PASSWORD, reauthenticate
from tests.factories import (
    ChannelFactory,
    ConversationFactory,
    FavourFactory,
    PersonDateFactory,
    PersonFactory,
    StoryFactory,
    TagFactory,
    UserFactory,
    drawn_form,
    with_photo,
)
from tests.walk import content_of


def rich_account(user: User) -> None:
    helga = PersonFactory(
        owner=user,
        name="Helga Brandt",
        met_on=datetime.date(2025, 5, 1),
        circle="inner",
        cadence_days=14,
        is_knot=True,
        notes="Née Vogt",
        organisation="Bäckerei Weber, Vertrieb",
        role="Head of Sales",
        city="München",
    )
    with_photo(helga)
    jonas = PersonFactory(owner=user, name="Jonas Weber", status="want_to_meet", archived=True)
    helga.tags.add(TagFactory(owner=user, name="mentor"), TagFactory(owner=user, name="Munich"))
    ChannelFactory(person=helga, kind="email", value="helga@example.org", label="work")
    ChannelFactory(person=helga, kind="phone", value="+49 89 123456")
    ChannelFactory(person=jonas, kind="link", value="https://jonas.example.org", label="Bäckerei")
    Muscle.objects.create(person=helga, owner=user, snoozed_until=datetime.date(2026, 12, 24))
    PersonDateFactory(person=helga, month=3, day=15, year=1965)
    PersonDateFactory(person=helga, kind="anniversary", month=6, day=1, year=1990)
    PersonDateFactory(
        person=helga, kind="other", label="Moved to Lisbon", month=9, day=1, year=2024
    )
    PersonDateFactory(
        person=helga, kind="other", label="Retires", month=4, day=1, year=2027, repeats=False
    )
    PersonDateFactory(person=jonas, month=2, day=29)
    talk = ConversationFactory(
        owner=user,
        people=[helga, jonas],
        kind="video",
        happened_on=datetime.date(2026, 10, 1),
        notes="Über Lissabon",
    )
    Story.objects.create(
        owner=user,
        conversation=talk,
        person=helga,
        text="Operation im März",
        topics="family",
        ask_on=datetime.date(2027, 3, 1),
    )
    FavourFactory(person=helga, giver="me", origin="offered", status="done", outcome="Went well")
    Touch.objects.create(owner=user, person=jonas, happened_on=datetime.date(2026, 11, 1))
    Connection.objects.create(
        owner=user,
        person_a=helga,
        person_b=jonas,
        kind="family",
        label="son",
        reverse_label="mother",
    )
    introduction_set(person=jonas, introducer=helga)
    User.objects.filter(pk=user.pk).update(
        language="de", time_zone="Europe/Berlin", digest_weekday=4, digest_hour=18
    )
    user.refresh_from_db()


def without_timestamp(data: dict) -> dict:
    """The export as it must come back: all but when it was made, and the photos' bytes, which
    the import reads and encodes again (`photo_sizes` compares what they show)."""
    people = [{**person, "photo": bool(person["photo"])} for person in data["people"]]
    return {key: value for key, value in data.items() if key != "exported_at"} | {"people": people}


def photo_sizes(data: dict) -> list[tuple[int, int] | None]:
    return [
        Image.open(io.BytesIO(base64.b64decode(p["photo"]))).size if p["photo"] else None
        for p in data["people"]
    ]


def test_export_then_import_into_an_empty_account_round_trips_field_for_field(
    alice_client: Client, alice: User, bob: User, bob_client: Client
):
    rich_account(alice)
    reauthenticate(alice_client)
    exported = alice_client.get(reverse("portability:export_json"))
    assert exported["Content-Disposition"].startswith("attachment;")
    upload = SimpleUploadedFile("knotwork.json", content_of(exported), "application/json")
    response = bob_client.post(reverse("portability:import_json"), {"file": upload}, follow=True)
    assert "Imported 2 people." in response.text
    bob.refresh_from_db()
    assert without_timestamp(export_account(user=bob)) == without_timestamp(
        export_account(user=alice)
    )
    assert photo_sizes(export_account(user=bob)) == photo_sizes(export_account(user=alice))
    helga = Person.objects.for_user(bob).get(name="Helga Brandt")
    assert bob_client.get(helga.thumbnail_url).status_code == 200
    # The link and the introduction, with the favour it recorded, came along.
    (link,) = Connection.objects.for_user(bob)
    assert (link.person_a, link.person_b.name, link.label) == (helga, "Jonas Weber", "son")
    (introduction,) = Introduction.objects.for_user(bob)
    assert (introduction.introducer, introduction.favour.person) == (helga, helga)


def test_an_export_with_a_link_to_oneself_is_refused_as_damaged(alice: User, bob: User):
    rich_account(alice)
    data = export_account(user=alice)
    data["connections"][0]["b"] = data["connections"][0]["a"]
    with pytest.raises(UnreadableExport):
        import_account(user=bob, data=data)
    assert not Person.objects.for_user(bob).exists()


@pytest.mark.parametrize("url_name", ["portability:export_json", "portability:export_vcf"])
def test_exports_are_sent_as_they_are_written(alice_client: Client, alice: User, url_name: str):
    Person.objects.bulk_create(
        Person(owner=alice, name=f"Person {i}", notes="x" * 100) for i in range(1500)
    )
    reauthenticate(alice_client)
    response = alice_client.get(reverse(url_name))
    assert response.streaming
    assert response["Content-Disposition"].startswith("attachment;")
    chunks = list(response.streaming_content)  # type: ignore[attr-defined]
    assert len(chunks) > 2  # in pieces, not one body built whole
    text = b"".join(chunks).decode()
    assert text.count("Person 1499") == 1
    if url_name == "portability:export_json":
        assert len(json.loads(text)["people"]) == 1500


def test_the_export_holds_work_town_and_the_photo(alice_client: Client, alice: User):
    rich_account(alice)
    reauthenticate(alice_client)
    data = json.loads(content_of(alice_client.get(reverse("portability:export_json"))))
    helga = next(p for p in data["people"] if p["name"] == "Helga Brandt")
    assert (helga["organisation"], helga["role"], helga["city"]) == (
        "Bäckerei Weber, Vertrieb",
        "Head of Sales",
        "München",
    )
    stored = Person.objects.get(name="Helga Brandt").photo
    assert base64.b64decode(helga["photo"]) == stored.open("rb").read()
    assert next(p for p in data["people"] if p["name"] == "Jonas Weber")["photo"] is None


def test_an_export_from_before_work_and_photos_still_imports(alice: User):
    rich_account(UserFactory())
    data = export_account(user=User.objects.exclude(pk=alice.pk).get())
    for person in data["people"]:
        for field in ("organisation", "role", "city", "photo"):
            del person[field]
    assert import_account(user=alice, data=data) == 2
    helga = Person.objects.for_user(alice).get(name="Helga Brandt")
    assert (helga.organisation, helga.city, helga.photo.name) == ("", "", "")


def test_an_export_whose_photo_is_not_one_is_refused_and_leaves_no_file(alice: User):
    rich_account(UserFactory())
    data = export_account(user=User.objects.exclude(pk=alice.pk).get())
    data["people"][1]["photo"] = base64.b64encode(b"<svg onload=alert(1)>").decode()
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*.jpg"))
    with (
        translation.override("en"),
        pytest.raises(UnreadableExport, match="This is not a photo Knotwork can read"),
    ):
        import_account(user=alice, data=data)
    assert not Person.objects.for_user(alice).exists()
    # Helga's photo, written before Jonas's failed, went again.
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*.jpg")) == before


def test_the_export_keeps_the_snooze_date(alice_client: Client, alice: User):
    rich_account(alice)
    reauthenticate(alice_client)
    data = json.loads(content_of(alice_client.get(reverse("portability:export_json"))))
    snoozes = {p["name"]: p["snoozed_until"] for p in data["people"]}
    assert snoozes == {"Helga Brandt": "2026-12-24", "Jonas Weber": None}


def test_the_export_holds_only_my_data(alice_client: Client, alice: User):
    rich_account(UserFactory())
    PersonFactory(owner=alice, name="Mine")
    reauthenticate(alice_client)
    data = json.loads(content_of(alice_client.get(reverse("portability:export_json"))))
    assert [p["name"] for p in data["people"]] == ["Mine"]
    assert data["conversations"] == []


def test_people_export_as_vcard_4(alice_client: Client, alice: User):
    rich_account(alice)
    Person.objects.filter(name="Helga Brandt").update(organisation="Acme, Inc.")
    Person.objects.filter(name="Helga Brandt").update(notes="NICKNAME: Hexe\nNée Vogt")
    reauthenticate(alice_client)
    text = content_of(alice_client.get(reverse("portability:export_vcf"))).decode()
    cards = list(vobject.readComponents(io.StringIO(text)))
    helga = next(card for card in cards if card.fn.value == "Helga Brandt")
    assert helga.version.value == "4.0"
    assert helga.email.value == "helga@example.org"
    assert helga.email.params["TYPE"] == ["work"]
    assert helga.tel.value == "+49 89 123456"
    assert sorted(helga.categories.value) == ["Munich", "mentor"]
    assert helga.nickname.value == "Hexe"
    assert helga.org.value == ["Acme, Inc."]
    assert "ORG:Acme\\, Inc." in text
    assert helga.title.value == "Head of Sales"
    assert (helga.adr.value.city, helga.adr.params["TYPE"]) == ("München", ["home"])
    # The photo as a data URI, written as one: no escaped ";" or "," in it.
    assert "PHOTO:data:image/jpeg;base64,/9j/" in text
    photo = text.split("PHOTO:data:image/jpeg;base64,")[1].split()[0]
    assert base64.b64decode(photo) == Person.objects.get(name="Helga Brandt").photo.open().read()
    # Other address books have no spark, so it leads the note.
    assert helga.note.value == (
        "Told a great story about sailing to Lisbon.\n\nNICKNAME: Hexe\nNée Vogt"
    )
    own = {
        key: line[0].value for key, line in helga.contents.items() if key.startswith("x-knotwork")
    }
    assert own == {
        "x-knotwork-spark": "Told a great story about sailing to Lisbon.",
        "x-knotwork-met-at": "Stanford alumni dinner",
        "x-knotwork-met-on": "2025-05-01",
        "x-knotwork-circle": "inner",
        "x-knotwork-cadence": "14",
        "x-knotwork-knot": "true",
        "x-knotwork-status": "known",
    }
    jonas = next(card for card in cards if card.fn.value == "Jonas Weber")
    assert jonas.contents["x-knotwork-archived"][0].value == "true"
    assert jonas.contents["x-knotwork-status"][0].value == "want_to_meet"


PERSON_FIELDS = ["name", "spark", "met_at", "met_on", "circle", "cadence_days", "is_knot"]
PERSON_FIELDS += ["status", "notes", "archived", "tags", "channels"]
PERSON_FIELDS += ["organisation", "role", "city", "dates"]


def people_as_vcard_carries_them(user: User) -> list[dict[str, Any]]:
    people = export_account(user=user)["people"]
    return sorted(({f: p[f] for f in PERSON_FIELDS} for p in people), key=lambda p: p["name"])


def import_contacts(client: Client, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("portability:import_contacts"), {"contacts": upload} | drawn_form()
    )
    batch_pk = resolve(response.url).kwargs["batch_pk"]
    client.post(reverse("portability:import_confirm", args=[batch_pk]))


def test_a_vcard_export_imported_into_a_fresh_account_keeps_every_field_vcard_can_carry(
    alice_client: Client, alice: User, bob: User, bob_client: Client
):
    rich_account(alice)
    phone = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Fynn Çelik\r\nNICKNAME:Fy\r\nORG:Kletterhalle\r\n"
        "TEL;CELL:+49 171 2345678\r\nEMAIL;INTERNET:fynn.çelik@example.de\r\n"
        "NOTE:Climbs, cooks, laughs\r\nCATEGORIES:climbing\r\nEND:VCARD\r\n"
    )
    import_contacts(alice_client, "phone.vcf", phone.encode())
    reauthenticate(alice_client)
    exported = content_of(alice_client.get(reverse("portability:export_vcf")))
    import_contacts(bob_client, "knotwork-people.vcf", exported)

    fynn = Person.objects.for_user(alice).get(name="Fynn Çelik")
    assert fynn.notes == "NICKNAME: Fy\nClimbs, cooks, laughs"
    assert fynn.organisation == "Kletterhalle"
    assert people_as_vcard_carries_them(bob) == people_as_vcard_carries_them(alice)
    # The photo came along too.
    photos = {p["name"]: bool(p["photo"]) for p in export_account(user=bob)["people"]}
    assert photos == {"Helga Brandt": True, "Jonas Weber": False, "Fynn Çelik": False}
    # Links come back from RELATED lines, kind and labels and all.
    assert (
        links_by_name(bob)
        == links_by_name(alice)
        == {("Helga Brandt", "Jonas Weber", "family", "son", "mother")}
    )


def links_by_name(user: User) -> set[tuple[str, str, str, str, str]]:
    return {
        (c.person_a.name, c.person_b.name, c.kind, c.label, c.reverse_label)
        for c in Connection.objects.for_user(user).select_related("person_a", "person_b")
    }


def test_an_import_is_refused_clearly_and_writes_nothing(alice_client: Client, alice: User):
    def post(content: bytes) -> str:
        upload = SimpleUploadedFile("file.json", content, "application/json")
        return alice_client.post(
            reverse("portability:import_json"), {"file": upload}, follow=True
        ).text

    assert "This is not a Knotwork export." in post(b"\x89PNG not json")
    assert "This is not a Knotwork export." in post(b"[" * 100_000)
    assert "This is not a Knotwork export." in post(b'{"format": "other"}')
    damaged = {
        "format": "knotwork-export",
        "version": 1,
        "settings": {},
        "tags": [],
        "people": [{"name": "Half"}],
        "conversations": [],
        "favours": [],
        "touches": [],
    }
    assert "The file is damaged" in post(json.dumps(damaged).encode())
    assert not Person.objects.exists()
    PersonFactory(owner=alice)
    export = json.dumps(export_account(user=alice)).encode()
    page = post(export)
    assert field_error(page) == "Import an export into an empty account, so nothing is doubled."
    assert Person.objects.count() == 1


def field_error(page: str) -> str:
    """The message beside the export file field."""
    start = page.index('id="id_file_error"')
    return page[page.index("<p>", start) + 3 : page.index("</p>", start)].replace("&#x27;", "'")


def test_an_import_error_is_beside_the_field_in_german(alice_client: Client, alice: User):
    User.objects.filter(pk=alice.pk).update(language="de")
    response = alice_client.post(reverse("portability:import_json"), {})
    assert field_error(response.text) == "Wähle eine Knotwork-Exportdatei zum Importieren."
    upload = SimpleUploadedFile("file.json", b"nope", "application/json")
    response = alice_client.post(reverse("portability:import_json"), {"file": upload})
    assert field_error(response.text) == "Das ist kein Knotwork-Export."


def export_of(people: int) -> dict[str, Any]:
    """An export with so many people, each with a tag, two channels, a conversation with a
    story, a favour and a touch."""
    owner = UserFactory()
    helga = PersonFactory(owner=owner, name="Helga Brandt")
    helga.tags.add(TagFactory(owner=owner, name="mentor"))
    ChannelFactory(person=helga, kind="email", value="helga@example.org")
    ChannelFactory(person=helga, kind="phone", value="+49 89 123456")
    talk = ConversationFactory(owner=owner, people=[helga])
    Story.objects.create(owner=owner, conversation=talk, person=helga, text="The Alps")
    FavourFactory(person=helga)
    Touch.objects.create(owner=owner, person=helga)
    one = export_account(user=owner)
    data = copy.deepcopy(one)
    for key in ("people", "conversations", "favours", "touches"):
        data[key] = [copy.deepcopy(one[key][0]) for _ in range(people)]
    for i, row in enumerate(data["people"]):
        row["name"] = f"Person {i}"
    for key in ("favours", "touches"):
        for i, row in enumerate(data[key]):
            row["person"] = i
    for i, row in enumerate(data["conversations"]):
        row["people"] = [i]
        row["stories"][0]["person"] = i
    return data


def test_the_account_import_takes_a_fixed_number_of_queries_per_chunk(db: None):
    def queries_for(people: int) -> int:
        data = export_of(people)
        user = UserFactory()
        with CaptureQueriesContext(connection) as queries:
            assert import_account(user=user, data=data) == people
        return len(queries)

    one_chunk = queries_for(3)
    assert queries_for(1000) == one_chunk
    # A second chunk of everything: people, tags, channels, conversations, their people and
    # stories, favours and touches, one insert each.
    assert queries_for(2000) == one_chunk + 8


def test_an_import_with_tags_i_already_have_in_another_case_works(
    alice_client: Client, alice: User
):
    rich_account(UserFactory())
    data = export_account(user=User.objects.exclude(pk=alice.pk).get())
    TagFactory(owner=alice, name="MENTOR")
    assert import_account(user=alice, data=data) == 2
    helga = Person.objects.for_user(alice).get(name="Helga Brandt")
    assert sorted(t.name for t in helga.tags.all()) == ["MENTOR", "Munich"]


def test_deleting_the_account_asks_for_the_password_again_and_removes_everything(
    alice_client: Client, alice: User
):
    rich_account(alice)
    page = alice_client.get(reverse("accounts:delete"))  # alice reads German
    assert "Vorher alles herunterladen (JSON)" in page.text
    assert reverse("portability:export_json") in page.text
    asked = alice_client.post(reverse("accounts:delete"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=alice.pk).exists()
    wrong = alice_client.post(asked.url, {"password": "nope"})
    assert wrong.status_code == 200
    assert User.objects.filter(pk=alice.pk).exists()
    confirmed = alice_client.post(asked.url, {"password": PASSWORD})
    assert confirmed.url == reverse("account_login")
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Person.objects.exists()
    assert not Story.objects.exists()


def test_the_export_asks_for_the_password_again_then_downloads(alice_client, alice):
    PersonFactory(owner=alice, name="Mine")
    asked = alice_client.get(reverse("portability:export_json"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    confirmed = alice_client.post(asked.url, {"password": PASSWORD})
    assert confirmed.url == reverse("portability:export_json")
    data = json.loads(content_of(alice_client.get(confirmed.url)))
    assert data["people"][0]["name"] == "Mine"


def test_merging_two_people_moves_everything_and_loses_nothing(alice_client: Client, alice):
    keep = PersonFactory(owner=alice, name="Helga Brandt", spark="", notes="Mentor")
    twin = PersonFactory(owner=alice, name="Helga B.", spark="Her brooch", notes="From the phone")
    keep.tags.add(TagFactory(owner=alice, name="mentor"))
    twin.tags.add(TagFactory(owner=alice, name="Munich"))
    ChannelFactory(person=keep, kind="email", value="helga@example.org")
    ChannelFactory(person=twin, kind="email", value="helga@example.org")
    ChannelFactory(person=twin, kind="phone", value="+49 89 123456")
    talk = ConversationFactory(owner=alice, people=[twin])
    Story.objects.create(owner=alice, conversation=talk, person=twin, text="The Alps")
    FavourFactory(person=twin)
    Touch.objects.create(owner=alice, person=twin)

    response = alice_client.post(
        reverse("relationships:merge", args=[twin.pk]), {"into": "helga brandt"}
    )
    assert response.url == reverse("relationships:person", args=[keep.pk])
    keep.refresh_from_db()
    assert not Person.objects.filter(pk=twin.pk).exists()
    assert keep.spark == "Her brooch"
    assert keep.notes == "Mentor\n\nFrom the phone"
    assert sorted(t.name for t in keep.tags.all()) == ["Munich", "mentor"]
    assert sorted(keep.channels.values_list("value", flat=True)) == [
        "+49 89 123456",
        "helga@example.org",
    ]
    assert list(talk.people.all()) == [keep]
    assert Story.objects.get().person == keep
    assert keep.favours.count() == 1
    assert keep.touches.count() == 1


def test_merging_needs_one_other_person_of_mine(alice_client: Client, alice: User, bob: User):
    me = PersonFactory(owner=alice, name="Helga")
    PersonFactory(owner=bob, name="Bobs Helga")
    refusals = {
        "Bobs Helga": "You have no one called “Bobs Helga” yet.",
        "Helga": "That is Helga themselves. Name someone else.",
        "Nobody": "You have no one called “Nobody” yet.",
    }
    for name, refusal in refusals.items():
        response = alice_client.post(reverse("relationships:merge", args=[me.pk]), {"into": name})
        assert refusal in response.text
    assert Person.objects.filter(pk=me.pk).exists()


def test_merging_people_who_shared_a_conversation_keeps_it_once(alice_client: Client, alice):
    keep = PersonFactory(owner=alice, name="Helga Brandt")
    twin = PersonFactory(owner=alice, name="Helga B.")
    talk = ConversationFactory(owner=alice, people=[keep, twin])
    alice_client.post(reverse("relationships:merge", args=[twin.pk]), {"into": "Helga Brandt"})
    assert list(talk.people.all()) == [keep]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "1 person, 2 conversations, 1 story and 1 favour."),
        ("de", "1 Person, 2 Gespräche, 1 Geschichte und 1 Gefallen."),
    ],
)
def test_the_data_page_counts_in_real_plurals(alice_client, alice, language, sentence):
    alice.language = language
    alice.save()
    helga = PersonFactory(owner=alice)
    StoryFactory(owner=alice, conversation=ConversationFactory(owner=alice, people=[helga]))
    ConversationFactory(owner=alice, people=[helga])
    FavourFactory(person=helga)
    assert sentence in alice_client.get(reverse("portability:data")).text


def test_dates_go_out_as_vcard_4_bday_and_anniversary(alice_client: Client, alice: User):
    rich_account(alice)
    reauthenticate(alice_client)
    exported = content_of(alice_client.get(reverse("portability:export_vcf"))).decode()
    cards = list(vobject.readComponents(exported))
    helga = next(card for card in cards if card.fn.value == "Helga Brandt")
    assert helga.bday.value == "19650315"
    assert helga.anniversary.value == "19900601"
    dates = {line.group: line for line in helga.contents["x-abdate"]}
    labels = {line.group: line.value for line in helga.contents["x-ablabel"]}
    assert sorted((labels[g], d.value) for g, d in dates.items()) == [
        ("Moved to Lisbon", "20240901"),
        ("Retires", "20270401"),
    ]
    jonas = next(card for card in cards if card.fn.value == "Jonas Weber")
    assert jonas.bday.value == "--0229"
    assert [d["kind"] for d in export_account(user=alice)["people"][0]["dates"]] == [
        "birthday",
        "anniversary",
        "other",
        "other",
    ]
