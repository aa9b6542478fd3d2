"""One way to match a typed name, in every place a name is typed: accents and case aside, part
of a name, or misspelt, and never a stranger who merely shares two letters."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conversations.models import Conversation
from relationships.services.search import search_everything
from tests.factories import ConversationFactory, PersonFactory, StoryFactory, drawn_form


@pytest.fixture
def people(alice: User) -> None:
    for name in ("Tomás Herrera", "Sabine Kühn", "Yuki Sato", "Katharina Engel"):
        PersonFactory(owner=alice, name=name, spark="", met_at="")


def capture_matches(client: Client, user: User, typed: str) -> str:
    url = reverse("capture:matches")
    return client.get(url, {"name": typed, "account": user.device_tag}).text


def suggestions(client: Client, typed: str) -> str:
    return client.get(reverse("contacts:suggest"), {"also_there": typed}).text


def people_list(client: Client, typed: str) -> str:
    return client.get(reverse("contacts:list"), {"q": typed}).text


def search(client: Client, user: User, typed: str) -> str:
    return " ".join(str(hit.item) for hit in search_everything(user=user, text=typed))


PLACES = {
    "capture": lambda client, user, typed: capture_matches(client, user, typed),
    "suggestions": lambda client, user, typed: suggestions(client, typed),
    "people list": lambda client, user, typed: people_list(client, typed),
    "search": search,
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Tomas Herrera", "Tomás Herrera"),
        ("tomas", "Tomás Herrera"),
        ("Sabine Kuhn", "Sabine Kühn"),
        ("Katharina", "Katharina Engel"),
    ],
)
def test_every_place_finds_a_name_whatever_the_accents_or_case(
    people: None, alice: User, alice_client: Client, place: str, typed: str, found: str
):
    assert found in PLACES[place](alice_client, alice, typed)


@pytest.mark.parametrize("place", ["capture", "suggestions", "search"])
@pytest.mark.parametrize(
    ("typed", "found"), [("Herera", "Tomás Herrera"), ("Katarina", "Katharina Engel")]
)
def test_places_that_guess_forgive_a_misspelling(
    people: None, alice: User, alice_client: Client, place: str, typed: str, found: str
):
    assert found in PLACES[place](alice_client, alice, typed)


@pytest.mark.parametrize("place", ["capture", "suggestions"])
def test_two_shared_letters_are_not_a_match(
    people: None, alice: User, alice_client: Client, place: str
):
    html = PLACES[place](alice_client, alice, "Sabin")
    assert "Sabine Kühn" in html
    assert "Yuki Sato" not in html


def test_also_there_accepts_a_name_typed_without_its_accents(
    people: None, alice: User, alice_client: Client
):
    helga = PersonFactory(owner=alice, name="Helga")
    data = {"happened_on": "2026-11-20", "kind": "call", "also_there": "tomas herrera"}
    alice_client.post(reverse("conversations:create", args=[helga.pk]), data | drawn_form())
    conversation = Conversation.objects.get(owner=alice)
    assert sorted(p.name for p in conversation.people.all()) == ["Helga", "Tomás Herrera"]


@pytest.mark.parametrize("typed", ["Tomas", "Herera"])
def test_also_there_takes_a_part_of_a_name_or_a_misspelling_that_means_one_person(
    people: None, alice: User, alice_client: Client, typed: str
):
    helga = PersonFactory(owner=alice, name="Helga")
    data = {"happened_on": "2026-11-20", "kind": "call", "also_there": typed}
    alice_client.post(reverse("conversations:create", args=[helga.pk]), data | drawn_form())
    conversation = Conversation.objects.get(owner=alice)
    assert sorted(p.name for p in conversation.people.all()) == ["Helga", "Tomás Herrera"]


def test_search_finds_words_without_their_accents_both_ways(alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    talk = ConversationFactory(owner=alice, people=[helga])
    StoryFactory(owner=alice, conversation=talk, person=helga, text="Her café in Lisbon")
    StoryFactory(owner=alice, conversation=talk, person=helga, text="Ein Cafe in Köln")
    assert len(search_everything(user=alice, text="cafe")) == 2
    assert len(search_everything(user=alice, text="café")) == 2
    assert len(search_everything(user=alice, text="Koln")) == 1


def test_nobody_elses_people_are_matched(people: None, bob: User, bob_client: Client):
    for place in PLACES.values():
        assert "Tomás Herrera" not in place(bob_client, bob, "Tomas")
