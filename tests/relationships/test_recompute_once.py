"""Each change causes exactly one recompute of the muscles it touched: on a page, within the
request, so the answer shows it; anywhere else, as one queued task after the commit."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from conversations.models import Conversation, Touch
from portability.export import export_account
from relationships.models import Muscle
from tests.factories import (
    ConversationFactory,
    FavourFactory,
    PersonFactory,
    TouchFactory,
    drawn_form,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Recomputes:
    def __init__(self) -> None:
        self.count = 0


@contextmanager
def recomputes() -> Iterator[Recomputes]:
    """How many times the muscles statement ran, on this connection."""
    seen = Recomputes()
    with CaptureQueriesContext(connection) as queries:
        yield seen
    seen.count = sum("INSERT INTO relationships_muscle" in q["sql"] for q in queries)


def test_a_capture_recomputes_its_person_once_before_answering(alice_client: Client, alice: User):
    entry = {
        "key": str(uuid.uuid4()),
        "account": alice.device_tag,
        "name": "Helga Brandt",
        "event": "Book fair",
        "spark": "Her bicycle brooch",
        "story": "Crossed the Alps at sixty.",
        "ask_on": "2027-01-15",
        "favour": "Send her the route map",
        "favour_giver": "me",
        "email": "helga@example.org",
    }
    with recomputes() as seen:
        response = alice_client.post(reverse("capture:page"), entry)
    assert response.status_code == 302
    assert seen.count == 1
    helga = Person.objects.get(owner=alice, name="Helga Brandt")
    assert Muscle.objects.get(person=helga).last_contact_on is not None


def test_a_conversation_with_three_people_is_one_recompute(alice_client: Client, alice: User):
    helga, tom, ada = (PersonFactory(owner=alice, name=n) for n in ("Helga", "Tom", "Ada"))
    data = {"happened_on": "2026-11-20", "kind": "call", "also_there": "Tom, Ada"}
    with recomputes() as seen:
        alice_client.post(reverse("conversations:create", args=[helga.pk]), data | drawn_form())
    assert seen.count == 1
    assert Muscle.objects.filter(person__in=[helga, tom, ada]).count() == 3


def test_caught_up_from_the_home_page_is_one_recompute(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    with recomputes() as seen:
        alice_client.post(reverse("relationships:caught_up", args=[helga.pk]))
        alice_client.post(reverse("relationships:caught_up", args=[helga.pk]))  # a second tap
    assert seen.count == 1
    assert Touch.objects.filter(person=helga).count() == 1


def test_changes_outside_a_page_queue_one_recompute_after_the_commit(alice: User):
    with recomputes() as seen, transaction.atomic():
        helga = Person.objects.create(owner=alice, name="Helga")
        talk = Conversation.objects.create(owner=alice)
        talk.people.add(helga)
        Touch.objects.create(owner=alice, person=helga)
        assert not Muscle.objects.filter(person=helga).exists()  # nothing before the commit
    assert seen.count == 1  # the one task, run in process by the tests' eager Celery
    assert Muscle.objects.filter(person=helga).exists()


def test_importing_an_account_export_is_one_recompute(alice: User, bob: User, bob_client: Client):
    for name in ("Helga", "Tom", "Ada"):
        person = PersonFactory(owner=alice, name=name)
        ConversationFactory(owner=alice, people=[person])
        TouchFactory(person=person)
        FavourFactory(person=person)
    export = json.dumps(export_account(user=alice)).encode()
    upload = SimpleUploadedFile("knotwork.json", export, content_type="application/json")
    with recomputes() as seen:
        bob_client.post(reverse("portability:import_json"), {"file": upload})
    assert Person.objects.filter(owner=bob).count() == 3
    assert seen.count == 1
    assert Muscle.objects.filter(owner=bob).count() == 3
