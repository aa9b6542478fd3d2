import datetime
import io
import json

import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from conversations.models import Story, Touch
from relationships.export import export_account
from tests.conftest import PASSWORD
from tests.factories import (
    ChannelFactory,
    ConversationFactory,
    FavourFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
)


def rich_account(user: User) -> None:
    helga = PersonFactory(
        owner=user,
        name="Helga Brandt",
        met_on=datetime.date(2025, 5, 1),
        circle="inner",
        cadence_days=14,
        is_knot=True,
        notes="Née Vogt",
    )
    jonas = PersonFactory(owner=user, name="Jonas Weber", status="want_to_meet", archived=True)
    helga.tags.add(TagFactory(owner=user, name="mentor"), TagFactory(owner=user, name="Munich"))
    ChannelFactory(person=helga, kind="email", value="helga@example.org", label="work")
    ChannelFactory(person=helga, kind="phone", value="+49 89 123456")
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
    User.objects.filter(pk=user.pk).update(
        language="de", time_zone="Europe/Berlin", digest_weekday=4, digest_hour=18
    )
    user.refresh_from_db()


def without_timestamp(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "exported_at"}


def test_export_then_import_into_an_empty_account_round_trips_field_for_field(
    alice_client: Client, alice: User, bob: User, bob_client: Client
):
    rich_account(alice)
    exported = alice_client.get(reverse("relationships:export_json"))
    assert exported["Content-Disposition"].startswith("attachment;")
    upload = SimpleUploadedFile("knotwork.json", exported.content, "application/json")
    response = bob_client.post(reverse("relationships:import_json"), {"file": upload}, follow=True)
    assert "Imported 2 people." in response.text
    bob.refresh_from_db()
    assert without_timestamp(export_account(user=bob)) == without_timestamp(
        export_account(user=alice)
    )


def test_the_export_holds_only_my_data(alice_client: Client, alice: User):
    rich_account(UserFactory())
    PersonFactory(owner=alice, name="Mine")
    data = alice_client.get(reverse("relationships:export_json")).json()
    assert [p["name"] for p in data["people"]] == ["Mine"]
    assert data["conversations"] == []


def test_people_export_as_vcard_4(alice_client: Client, alice: User):
    rich_account(alice)
    text = alice_client.get(reverse("relationships:export_vcf")).content.decode()
    cards = list(vobject.readComponents(io.StringIO(text)))
    helga = next(card for card in cards if card.fn.value == "Helga Brandt")
    assert helga.version.value == "4.0"
    assert helga.email.value == "helga@example.org"
    assert helga.tel.value == "+49 89 123456"
    assert sorted(helga.categories.value) == ["Munich", "mentor"]


def test_an_import_is_refused_clearly_and_writes_nothing(alice_client: Client, alice: User):
    def post(content: bytes) -> str:
        upload = SimpleUploadedFile("file.json", content, "application/json")
        return alice_client.post(
            reverse("relationships:import_json"), {"file": upload}, follow=True
        ).text

    assert "This is not a Knotwork export." in post(b"\x89PNG not json")
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
    assert "Import an export into an empty account" in post(export)
    assert Person.objects.count() == 1


def test_deleting_the_account_needs_the_password_and_removes_everything(
    alice_client: Client, alice: User
):
    rich_account(alice)
    page = alice_client.get(reverse("relationships:delete_account"))  # alice reads German
    assert "Vorher alles herunterladen (JSON)" in page.text
    assert reverse("relationships:export_json") in page.text
    wrong = alice_client.post(reverse("relationships:delete_account"), {"password": "nope"})
    assert "Das ist nicht dein Passwort." in wrong.text
    assert User.objects.filter(pk=alice.pk).exists()
    alice_client.post(reverse("relationships:delete_account"), {"password": PASSWORD})
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Person.objects.exists()
    assert not Story.objects.exists()


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
    for name in ("Bobs Helga", "Helga", "Nobody"):
        response = alice_client.post(reverse("relationships:merge", args=[me.pk]), {"into": name})
        assert "Type the exact name of one other person you know." in response.text
    assert Person.objects.filter(pk=me.pk).exists()


def test_merging_people_who_shared_a_conversation_keeps_it_once(alice_client: Client, alice):
    keep = PersonFactory(owner=alice, name="Helga Brandt")
    twin = PersonFactory(owner=alice, name="Helga B.")
    talk = ConversationFactory(owner=alice, people=[keep, twin])
    alice_client.post(reverse("relationships:merge", args=[twin.pk]), {"into": "Helga Brandt"})
    assert list(talk.people.all()) == [keep]
