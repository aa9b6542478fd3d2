"""Travelling to a city: everyone you know who lives there, the closest first, with when you last
spoke; and before a city is typed, where your people live."""

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from relationships.models import Muscle
from tests.dates import NOW, days_ago
from tests.factories import PersonFactory, with_photo


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def living_in(owner: User, name: str, city: str, strength: float | None = None, **fields) -> Person:
    person = PersonFactory(owner=owner, name=name, city=city, **fields)
    if strength is not None:
        Muscle.objects.create(
            person=person, owner=owner, strength=strength, last_contact_on=days_ago(21)
        )
    return person


def travellers(client: Client, city: str) -> list[str]:
    response = client.get(reverse("relationships:travelling"), {"city": city})
    assert response.status_code == 200
    return [person.name for person in response.context["page"].object_list]


def test_it_ranks_everyone_in_the_city_by_circle_then_strength(
    alice_client: Client, alice: User, bob: User
):
    living_in(alice, "Acquaintance", "München", 90, circle="acquaintance")
    living_in(alice, "Wider", "münchen", 50, circle="wider")
    living_in(alice, "Inner, weaker", "MUNCHEN", 20, circle="inner")
    living_in(alice, "Inner, stronger", "München", 70, circle="inner")
    living_in(alice, "Close, never in touch", "München", circle="close")
    living_in(alice, "Mentor to meet", "München", circle="inner", status="want_to_meet")
    living_in(alice, "Archived", "München", 99, circle="inner", archived=True)
    living_in(alice, "Elsewhere", "Münchberg", 99, circle="inner")
    living_in(bob, "Bob's friend", "München", 99, circle="inner")

    assert travellers(alice_client, " munchen ") == [
        "Inner, stronger",
        "Inner, weaker",
        "Close, never in touch",
        "Wider",
        "Acquaintance",
        "Mentor to meet",
    ]


def test_munich_finds_munchen_and_who_lives_nearby_nearest_first(
    alice_client: Client, alice: User, bob: User
):
    living_in(alice, "Helga", "München", 40, circle="close")
    living_in(alice, "Giulia", "Monaco di Baviera", 80, circle="close")
    living_in(alice, "Tom", "munchen", circle="wider")
    living_in(alice, "Augsburg friend", "Augsburg", 90, circle="inner")
    living_in(alice, "Freising friend", "Freising", circle="acquaintance")
    living_in(alice, "Ingolstadt friend", "Ingolstadt", 99, circle="inner")  # 70 km away
    living_in(alice, "Nuremberg friend", "Nürnberg", 99, circle="inner")
    living_in(alice, "Archived", "Augsburg", 99, archived=True)
    living_in(bob, "Bob's friend", "Augsburg", 99, circle="inner")

    response = alice_client.get(reverse("relationships:travelling"), {"city": "Munich"})
    assert [p.name for p in response.context["here"]] == ["Giulia", "Helga", "Tom"]
    assert [p.name for p in response.context["nearby"]] == ["Freising friend", "Augsburg friend"]
    page = response.text
    assert "3 people in Munich" in page
    assert "2 people nearby" in page
    assert '<span class="distance">Freising, 32 km</span>' in page
    assert '<span class="distance">Augsburg, 56 km</span>' in page
    assert "Ingolstadt" not in page
    assert "Bob&#x27;s friend" not in page
    # Whichever way the city is written, it is the same city.
    for typed in ("München", "MUENCHEN", " monaco di  baviera "):
        assert travellers(alice_client, typed)[:3] == ["Giulia", "Helga", "Tom"]


def test_it_reads_distances_in_german(alice_client: Client, alice: User):
    alice.language = "de"
    alice.save()
    living_in(alice, "Helga", "Augsburg")
    page = alice_client.get(reverse("relationships:travelling"), {"city": "München"}).text
    assert "Du kennst noch niemanden, der in München wohnt." in page
    assert "1 Person in der Nähe" in page
    assert '<span class="distance">Augsburg, 56 km</span>' in page


def test_frankfurt_is_the_larger_frankfurt_unless_the_other_is_named(
    alice_client: Client, alice: User
):
    living_in(alice, "Main", "Frankfurt am Main")
    living_in(alice, "Short", "Frankfurt")
    living_in(alice, "Oder", "Frankfurt (Oder)")
    living_in(alice, "Offenbach", "Offenbach am Main")  # 6 km from Frankfurt am Main
    assert travellers(alice_client, "frankfurt") == ["Main", "Short", "Offenbach"]
    assert travellers(alice_client, "Frankfurt an der Oder") == ["Oder"]
    assert travellers(alice_client, "Frankfurt, DE") == ["Main", "Short", "Offenbach"]


def test_a_town_no_one_knows_is_found_by_its_name_and_its_longer_names(
    alice_client: Client, alice: User
):
    living_in(alice, "Exact", "Hintertupfing")
    living_in(alice, "Longer", "hintertupfing am See")
    living_in(alice, "Other town", "Hintertupfinger Au")
    assert travellers(alice_client, "HINTERTUPFING") == ["Exact", "Longer"]
    page = alice_client.get(reverse("relationships:travelling"), {"city": "Hintertupfing"}).text
    assert "2 people in Hintertupfing" in page
    assert "nearby</h2>" not in page


def test_it_says_when_you_last_spoke(alice_client: Client, alice: User):
    with_photo(living_in(alice, "Helga", "Lisboa", 60, role="Engineer", organisation="Acme"))
    living_in(alice, "Tom", "Lisboa", circle="close")
    living_in(alice, "Ana", "Lisboa", status="want_to_meet")
    page = alice_client.get(reverse("relationships:travelling"), {"city": "lisboa"}).text
    assert "3 people in lisboa" in page
    assert "last in touch 3 weeks ago" in page
    assert "not in touch yet" in page
    assert 'class="badge to-meet"' in page
    assert '<span class="work">Engineer at Acme</span>' in page
    assert "/photo/thumbnail/" in page


def test_before_a_city_is_typed_it_lists_where_your_people_live(
    alice_client: Client, alice: User, bob: User
):
    for city in ["Berlin", "berlin", "Köln", "", "Berlin", "Munich", "München", "München"]:
        PersonFactory(owner=alice, city=city)
    for city in ["Hintertupfing", "hintertupfing"]:
        PersonFactory(owner=alice, city=city)
    PersonFactory(owner=bob, city="Paris")
    response = alice_client.get(reverse("relationships:travelling"))
    cities = [(row["value"], row["people"]) for row in response.context["cities"]]
    # Each town once, as most of its people write it; a tie goes to the capital letter.
    assert cities == [("Berlin", 3), ("München", 3), ("Hintertupfing", 2), ("Köln", 1)]
    assert 'href="?city=K%C3%B6ln"' in response.text
    assert "Paris" not in response.text


def test_it_says_so_when_you_know_no_one_there(alice_client: Client, alice: User):
    response = alice_client.get(reverse("relationships:travelling"), {"city": "Ulan Bator"})
    assert "You know no one who lives in Ulan Bator yet." in response.text
    empty = alice_client.get(reverse("relationships:travelling")).text
    assert "No one has a city yet." in empty


def test_htmx_gets_only_the_results(alice_client: Client, alice: User):
    living_in(alice, "Helga", "Berlin")
    response = alice_client.get(
        reverse("relationships:travelling"),
        {"city": "Berlin"},
        headers={"HX-Request": "true", "HX-Target": "travelling-results"},
    )
    assert response.text.lstrip().startswith('<section id="travelling-results"')
    assert "Helga" in response.text


def test_it_runs_a_fixed_number_of_queries(alice_client: Client, alice: User):
    def queries_with(count: int) -> int:
        Person.objects.for_user(alice).delete()
        people = Person.objects.bulk_create(
            Person(
                owner=alice,
                name=f"Helga {i}",
                city=["München", "Munich", "Augsburg", "Freising", "Hintertupfing"][i % 5],
                organisation="Acme",
                photo=f"photos/{i}-large.jpg",
                photo_thumbnail=f"photos/{i}-thumbnail.jpg",
            )
            for i in range(count)
        )
        Muscle.objects.bulk_create(
            Muscle(person=p, owner=alice, strength=i % 100, last_contact_on=days_ago(i % 400))
            for i, p in enumerate(people)
        )
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(reverse("relationships:travelling"), {"city": "munchen"})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(count * 4 // 5, 50)
        assert response.context["nearby_count"] == count * 2 // 5
        return len(queries)

    small = queries_with(10)
    assert queries_with(10_000) == small
    assert small <= 6
