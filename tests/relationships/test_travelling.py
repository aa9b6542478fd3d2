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


def test_a_city_finds_its_longer_names_but_not_other_towns(alice_client: Client, alice: User):
    living_in(alice, "Main", "Frankfurt am Main")
    living_in(alice, "Oder", "Frankfurt (Oder)")
    living_in(alice, "Suburb", "Frankfurter Berg")
    assert travellers(alice_client, "frankfurt") == ["Main", "Oder"]


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
    for city in ["Berlin", "berlin", "Köln", "", "Berlin"]:
        PersonFactory(owner=alice, city=city)
    PersonFactory(owner=bob, city="Paris")
    response = alice_client.get(reverse("relationships:travelling"))
    cities = [(row["city"].lower(), row["people"]) for row in response.context["cities"]]
    assert cities == [("berlin", 3), ("köln", 1)]
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
                city="München",
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
        assert len(response.context["page"].object_list) == min(count, 50)
        return len(queries)

    small = queries_with(10)
    assert queries_with(10_000) == small
    assert small <= 6
