"""Where someone lives is a place: "Munich", "München" and "Monaco di Baviera" are one town,
resolved in the database from what was typed, whichever way a person is written, and the
typed words are kept as they were."""

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from places.models import Place
from portability.export import export_account, import_account
from relationships.services.merge import people_merge
from tests.contacts.test_people import person_data
from tests.factories import ChannelFactory, PersonFactory, UserFactory
from tests.portability.test_import import confirm, uploaded

MUNICH, LISBON, FRANKFURT_MAIN, FRANKFURT_ODER = 2867714, 2267057, 2925533, 2925535


def place_of(person: Person) -> int | None:
    return Person.objects.values_list("place", flat=True).get(pk=person.pk)


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("Munich", MUNICH),
        ("München", MUNICH),
        ("Monaco di Baviera", MUNICH),
        ("  muenchen ", MUNICH),
        ("Lisboa", LISBON),
        ("Lissabon", LISBON),
        # Of two towns with the name, the larger, unless the other is named in full or by
        # its country.
        ("Frankfurt", FRANKFURT_MAIN),
        ("Frankfurt (Oder)", FRANKFURT_ODER),
        ("frankfurt an der oder", FRANKFURT_ODER),
        ("Paris", 2988507),
        ("Paris, Canada", 6942553),
        ("Paris, CA", 6942553),
        # What follows the comma is no country it knows: the town before it.
        ("München, Deutschland", MUNICH),
        ("Munich, Bavaria", MUNICH),
        # A town the gazetteer does not know, or no town at all, is no place.
        ("Hintertupfing", None),
        ("", None),
    ],
)
def test_a_typed_town_is_a_place(db: None, typed: str, place: int | None):
    found = Place.objects.named(typed).first()
    assert (found.pk if found else None) == place


def test_the_person_form_keeps_what_was_typed_and_finds_the_place(
    alice_client: Client, alice: User
):
    alice_client.post(reverse("contacts:create"), person_data(city="Monaco di Baviera"))
    giulia = Person.objects.get(owner=alice)
    assert (giulia.city, place_of(giulia)) == ("Monaco di Baviera", MUNICH)

    alice_client.post(reverse("contacts:edit", args=[giulia.pk]), person_data(city="Lisboa"))
    assert place_of(giulia) == LISBON
    alice_client.post(reverse("contacts:edit", args=[giulia.pk]), person_data(city="Hintertupfing"))
    giulia.refresh_from_db()
    assert (giulia.city, place_of(giulia)) == ("Hintertupfing", None)


def test_every_other_way_of_writing_a_person_finds_the_place_too(alice: User, bob: User):
    """The database resolves it, so no writer can miss it: bulk writes as imports make, an
    update of the town alone, and a save that carries an old place along."""
    (bulk,) = Person.objects.bulk_create([Person(owner=alice, name="Bulk", city="München")])
    updated = PersonFactory(owner=alice, name="Updated", city="")
    Person.objects.filter(pk=updated.pk).update(city="Lisbon")
    stale = PersonFactory(owner=alice, name="Stale", city="Munich")
    stale.city = "Lisboa"
    stale.place_id = MUNICH  # what an instance read before would carry
    stale.save()
    forged = PersonFactory(owner=alice, name="Forged", city="Munich")
    Person.objects.filter(pk=forged.pk).update(place_id=LISBON)
    assert [place_of(p) for p in (bulk, updated, stale, forged)] == [
        MUNICH,
        LISBON,
        LISBON,
        MUNICH,
    ]


def test_imported_addresses_and_exports_find_the_place(
    alice_client: Client, alice: User, bob: User
):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jonas\r\nADR;TYPE=HOME:;;;Muenchen;;;\r\nEND:VCARD\r\n"
    confirm(alice_client, uploaded(alice_client, "phone.vcf", card.encode()))
    jonas = Person.objects.get(owner=alice, name="Jonas")
    assert (jonas.city, place_of(jonas)) == ("Muenchen", MUNICH)

    # A known person's missing town, filled in from a card.
    helga = PersonFactory(owner=alice, name="Helga Brandt", city="")
    ChannelFactory(person=helga, kind="email", value="helga@example.org")
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nEMAIL:helga@example.org\r\n"
        "ADR;TYPE=HOME:;;;Lissabon;;;\r\nEND:VCARD\r\n"
    )
    confirm(alice_client, uploaded(alice_client, "more.vcf", card.encode()))
    helga.refresh_from_db()
    assert (helga.city, place_of(helga)) == ("Lissabon", LISBON)

    # The account's export carries the town as typed; the import finds the place again.
    import_account(user=bob, data=export_account(user=alice))
    assert sorted(Person.objects.for_user(bob).values_list("city", "place")) == [
        ("Lissabon", LISBON),
        ("Muenchen", MUNICH),
    ]


def test_a_merge_finds_the_place_of_the_town_it_keeps(alice: User):
    kept = PersonFactory(owner=alice, name="Helga", city="")
    other = PersonFactory(owner=alice, name="Helga B.", city="Monaco di Baviera")
    people_merge(keep=kept, merge=other)
    assert place_of(kept) == MUNICH


@pytest.mark.django_db(transaction=True)
def test_people_already_here_are_given_their_place_by_the_migration():
    executor = MigrationExecutor(connection)
    before = [("contacts", "0010_person_owner_and_id")]
    executor.migrate(before)
    try:
        apps: Apps = executor.loader.project_state(before).apps
        user = UserFactory()
        people = apps.get_model("contacts", "Person").objects
        for name, city in [("Helga", "München"), ("Jonas", "Hintertupfing"), ("Tom", "")]:
            people.create(owner_id=user.pk, name=name, city=city)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert sorted(Person.objects.values_list("name", "city", "place")) == [
        ("Helga", "München", MUNICH),
        ("Jonas", "Hintertupfing", None),
        ("Tom", "", None),
    ]
