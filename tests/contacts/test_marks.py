"""Someone you want to meet is marked wherever people are listed, by one partial
(contacts/_marks.html), so no list can forget the mark or draw it differently."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from tests.factories import ConnectionFactory, PersonFactory

# The icon is hidden from screen readers; the words beside it are what they read.
TO_MEET = re.compile(
    r'<span class="badge to-meet"><svg[^>]*aria-hidden="true"[^>]*>.*?</svg>\s*want to meet</span>',
    re.S,
)


@pytest.fixture
def ilse(alice: User) -> Person:
    return PersonFactory(
        owner=alice, name="Ilse Quartermain", city="Lisbon", status=Person.Status.WANT_TO_MEET
    )


@pytest.fixture
def known(alice: User) -> Person:
    return PersonFactory(owner=alice, name="Jonas Quartermain", city="Lisbon")


def pages(ilse: Person, known: Person) -> dict[str, str]:
    ConnectionFactory(person_a=known, person_b=ilse)
    return {
        "people list": reverse("contacts:list"),
        "search": reverse("relationships:search") + "?q=Quartermain",
        "travelling": reverse("relationships:travelling") + "?city=Lisbon",
        "her page": ilse.get_absolute_url(),
        "her brief": reverse("relationships:brief", args=[ilse.pk]),
        "people around him": known.get_absolute_url(),
    }


def test_someone_you_want_to_meet_is_marked_on_every_list(
    alice_client: Client, ilse: Person, known: Person
):
    for where, url in pages(ilse, known).items():
        text = alice_client.get(url).content.decode()
        assert len(TO_MEET.findall(text)) == 1, where  # her, and not him


def test_the_mark_reads_in_german(alice_client: Client, alice: User, ilse: Person):
    alice.language = "de"
    alice.save()
    text = alice_client.get(reverse("contacts:list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "möchte ich kennenlernen" in text


def test_only_the_marks_partial_draws_a_knot_or_want_to_meet_badge():
    """A list that drew its own badge could forget one of the marks, as the people list did."""
    templates = Path(settings.BASE_DIR, "templates")
    own_badge = re.compile(r'is_knot %\}\s*<span class="badge|translate "want to meet"')
    own_badges = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if path.name != "_marks.html" and own_badge.search(path.read_text())
    ]
    assert own_badges == []
