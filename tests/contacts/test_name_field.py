"""One name field: every field that names one of your people (link, introduced by, also there,
merge into) takes an exact name, or the one person its suggestions offer for what was typed,
and asks "Did you mean …?" when they offer several. The walk finds every such field, so a new
one is held to the same rules, and no box offers people unless it is one."""

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from connections.models import Connection, Introduction
from contacts.forms import PersonNameField
from contacts.models import Person
from conversations.models import Conversation
from tests.factories import PersonFactory, drawn_form

ROOT = Path(settings.BASE_DIR)


def every_form() -> Iterator[type[forms.BaseForm]]:
    for module in sorted(p.parent.name for p in ROOT.glob("*/forms.py")):
        importlib.import_module(f"{module}.forms")
    waiting: list[type[forms.BaseForm]] = [forms.BaseForm]
    while waiting:
        form = waiting.pop()
        waiting.extend(form.__subclasses__())
        if form.__module__.split(".")[0] in {p.parent.name for p in ROOT.glob("*/forms.py")}:
            yield form


def name_fields() -> dict[str, PersonNameField]:
    return {
        f"{form.__name__}.{name}": field
        for form in every_form()
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, PersonNameField)
    }


NAME_FIELDS = name_fields()


def test_the_walk_finds_every_field_that_names_one_of_your_people():
    assert set(NAME_FIELDS) >= {
        "LinkForm.other",
        "IntroductionForm.introduced_by",
        "ConversationForm.also_there",
        "MergeForm.into",
    }


def test_no_box_offers_your_people_unless_it_is_a_name_field():
    """Only PersonNameInput's template asks for people as you type, so a box that offers them
    takes what it offers."""
    asking = re.compile(r"""contacts:suggest['"]""")
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/**/*.py")]
    places = {
        str(path.relative_to(ROOT))
        for path in sources
        if not path.is_relative_to(ROOT / "tests")
        and ".venv" not in path.parts
        and asking.search(path.read_text())
    }
    assert places == {"templates/contacts/_person_name_input.html"}


@pytest.fixture
def people(alice: User, bob: User) -> dict[str, Person]:
    names = ("Mei Tanaka", "Mei Lin", "Tomás Herrera", "Sabine Kühn", "Yuki Sato", "Tom Baker")
    mine = {name: PersonFactory(owner=alice, name=name) for name in names}
    PersonFactory(owner=alice, name="Meike Old", archived=True)
    PersonFactory(owner=bob, name="Mei Bob")  # another account's: never offered, never found
    return mine


def offered(client: Client, field: str, typed: str, besides: Person | None = None) -> list[str]:
    query = {field: typed} | ({"besides": str(besides.pk)} if besides else {})
    text = client.get(reverse("contacts:suggest"), query).text
    return re.findall(r'<option value="([^"]*)"', text)


def field_for(name: str, alice: User, besides: Person | None) -> PersonNameField:
    field = NAME_FIELDS[name]
    copy: PersonNameField = field.__deepcopy__({})
    copy.among(alice, besides=besides)
    return copy


def resolved(field: PersonNameField, typed: str) -> list[Any]:
    value = field.clean(typed)
    return value if isinstance(value, list) else [value]


TYPED = ["mei", "Mei T", "tom", "Tomas", "Herera", "kuhn", "sab", "Sato", "Tanaka", "x"]


@pytest.mark.parametrize("name", NAME_FIELDS)
@pytest.mark.parametrize("with_besides", [False, True])
def test_every_name_field_takes_what_its_suggestions_offer(
    people: dict[str, Person], alice: User, alice_client: Client, name: str, with_besides: bool
):
    besides = people["Tom Baker"] if with_besides else None
    field = field_for(name, alice, besides)
    for typed in TYPED:
        options = offered(alice_client, name.split(".")[1], typed, besides)
        assert "Mei Bob" not in options
        assert "Meike Old" not in options
        for option in options:
            assert [p.name for p in resolved(field, option)] == [option]
        if len(options) == 1:
            assert [p.name for p in resolved(field, typed)] == options
        elif options:
            with pytest.raises(ValidationError) as refused:
                field.clean(typed)
            either = " or ".join([", ".join(options[:2]), options[2]] if options[2:3] else options)
            assert f"Did you mean {either}?" in refused.value.messages[0]
        else:
            with pytest.raises(ValidationError, match="You have no one called"):
                field.clean(typed)


def test_several_names_each_take_what_was_offered_after_the_comma(
    people: dict[str, Person], alice: User, alice_client: Client
):
    field = field_for("ConversationForm.also_there", alice, None)
    options = offered(alice_client, "also_there", "Yuki Sato, herera")
    assert options == ["Yuki Sato, Tomás Herrera"]
    assert [p.name for p in resolved(field, options[0])] == ["Yuki Sato", "Tomás Herrera"]
    assert [p.name for p in resolved(field, "yuki, herera")] == ["Yuki Sato", "Tomás Herrera"]


def test_each_name_that_means_no_one_or_several_is_said_at_once(
    people: dict[str, Person], alice: User
):
    field = field_for("ConversationForm.also_there", alice, None)
    with pytest.raises(ValidationError) as refused:
        field.clean("mei, Yuki, Nobody Known")
    assert refused.value.messages == [
        "“mei” could be more than one person. Did you mean Mei Lin or Mei Tanaka?",
        "You have no one called “Nobody Known” yet. Check the spelling, or add them first.",
    ]


def test_an_exact_name_wins_over_longer_names_it_starts(alice: User):
    mei = PersonFactory(owner=alice, name="Mei")
    PersonFactory(owner=alice, name="Mei Tanaka")
    assert field_for("LinkForm.other", alice, None).clean("MEI") == mei


def test_two_people_of_one_name_are_told_apart_by_renaming(alice: User):
    PersonFactory(owner=alice, name="Mei Tanaka")
    PersonFactory(owner=alice, name="Mei Tanaka")
    with pytest.raises(ValidationError, match="You know two people called “mei tanaka”"):
        field_for("MergeForm.into", alice, None).clean("mei tanaka")


def test_an_archived_person_is_found_by_their_whole_name_only(alice: User):
    old = PersonFactory(owner=alice, name="Meike Old", archived=True)
    field = field_for("LinkForm.other", alice, None)
    assert field.clean("meike old") == old
    with pytest.raises(ValidationError, match="no one called “Meike”"):
        field.clean("Meike")


# Each of the four fields in its page: what typing "mei" does there.
def post_link(client: Client, person: Person, typed: str) -> Any:
    data = {"other": typed, "kind": "partner", "label": "", "reverse_label": ""}
    url = reverse("connections:create", args=[person.pk])
    return client.post(url, data | drawn_form(), headers={"hx-request": "true"})


def post_introduction(client: Client, person: Person, typed: str) -> Any:
    url = reverse("connections:introduction", args=[person.pk])
    return client.post(url, {"introduced_by": typed}, headers={"hx-request": "true"})


def post_conversation(client: Client, person: Person, typed: str) -> Any:
    data = {"happened_on": "2026-11-20", "kind": "call", "also_there": typed}
    url = reverse("conversations:create", args=[person.pk])
    return client.post(url, data | drawn_form())


def post_merge(client: Client, person: Person, typed: str) -> Any:
    return client.post(reverse("relationships:merge", args=[person.pk]), {"into": typed})


def linked(person: Person, mei: Person) -> bool:
    return Connection.objects.filter(person_a=person, person_b=mei).exists()


def introduced(person: Person, mei: Person) -> bool:
    return Introduction.objects.filter(person=person, introducer=mei).exists()


def met(person: Person, mei: Person) -> bool:
    return Conversation.objects.filter(people=person).filter(people=mei).exists()


def merged(person: Person, mei: Person) -> bool:
    return not Person.objects.filter(pk=person.pk).exists()


PAGES: dict[str, tuple[Callable[..., Any], Callable[[Person, Person], bool]]] = {
    "link": (post_link, linked),
    "introduced by": (post_introduction, introduced),
    "also there": (post_conversation, met),
    "merge into": (post_merge, merged),
}


@pytest.mark.parametrize("place", PAGES)
def test_every_page_takes_a_unique_part_of_a_name(alice: User, alice_client: Client, place: str):
    tom = PersonFactory(owner=alice, name="Tom Baker")
    mei = PersonFactory(owner=alice, name="Mei Tanaka")
    post, done = PAGES[place]
    post(alice_client, tom, "mei")
    assert done(tom, mei)


@pytest.mark.parametrize("place", PAGES)
def test_every_page_asks_which_one_when_a_name_could_be_several(
    alice: User, alice_client: Client, place: str
):
    tom = PersonFactory(owner=alice, name="Tom Baker")
    mei = PersonFactory(owner=alice, name="Mei Tanaka")
    PersonFactory(owner=alice, name="Mei Lin")
    post, done = PAGES[place]
    response = post(alice_client, tom, "mei")
    assert "Did you mean Mei Lin or Mei Tanaka?" in response.text
    assert not done(tom, mei)


@pytest.mark.parametrize("place", PAGES)
def test_a_stranger_gets_404_and_never_finds_anyone(
    alice: User, bob_client: Client, bob: User, place: str
):
    tom = PersonFactory(owner=alice, name="Tom Baker")
    mei = PersonFactory(owner=alice, name="Mei Tanaka")
    bobs = PersonFactory(owner=bob, name="Bob")
    post, done = PAGES[place]
    assert post(bob_client, tom, "Mei Tanaka").status_code == 404
    assert not done(tom, mei)
    response = post(bob_client, bobs, "mei")
    assert "You have no one called “mei” yet." in response.text
    assert not done(bobs, mei)
