"""Nothing is recorded twice: every form in the app that creates something, found by crawling
every page, is sent twice exactly as drawn, and the second time creates nothing."""

import uuid

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from common.models import Removal
from common.once import create_once, fingerprint
from contacts.models import Person
from tests.concurrency import run_at_once
from tests.walk import Form, page_forms, rolled_back, row_counts, seed_account

REMOVALS = Removal._meta.db_table


def send_twice(client: Client, form: Form) -> tuple[dict[str, int], dict[str, int]]:
    """Post the form twice as drawn, and return how many rows each post added; undo both."""
    before = row_counts()
    with rolled_back():
        client.post(form.action, form.data)
        once = row_counts()
        client.post(form.action, form.data)
        twice = row_counts()
    # A removal's record is not something created: renewing the feed's address twice is two
    # renewals, each of which can be undone.
    first = {t: once[t] - before[t] for t in before if once[t] != before[t] and t != REMOVALS}
    second = {t: twice[t] - once[t] for t in before if twice[t] != once[t] and t != REMOVALS}
    return first, second


@pytest.fixture
def every_form(alice: User, alice_client: Client) -> list[Form]:
    seeded = seed_account(alice, lambda n: f"Typed text {n}", alice_client)
    return page_forms(alice_client, seeded)


def test_every_form_that_creates_something_creates_it_once(
    alice_client: Client, every_form: list[Form]
):
    created, twice = [], {}
    for form in every_form:
        first, second = send_twice(alice_client, form)
        if any(added > 0 for added in first.values()):
            created.append(form.action)
            if second:
                twice[form.action] = second
    assert twice == {}
    # The walk really reached the forms that create things, so this cannot pass by missing them.
    kinds = {action.split("/")[1:3][0] for action in created}
    assert {"people", "conversations", "favours", "capture", "digest"} <= kinds
    assert len(created) >= 8


def test_a_create_form_draws_a_fresh_key_each_time(alice_client: Client):
    first = alice_client.get(reverse("contacts:create")).text
    second = alice_client.get(reverse("contacts:create")).text
    keys = [page.split('name="once" value="')[1][:36] for page in (first, second)]
    assert keys[0] != keys[1]
    assert all(uuid.UUID(key) for key in keys)


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_with_one_key_create_one_object(alice: User):
    key = uuid.uuid4()

    def create() -> None:
        create_once(
            owner=alice,
            key=key,
            model=Person,
            fingerprint=fingerprint({"name": "Ada"}),
            create=lambda: Person.objects.create(owner=alice, name="Ada"),
        )

    errors = run_at_once(create, times=4)
    assert [e for e in errors if not isinstance(e, DatabaseError)] == []
    assert Person.objects.filter(owner=alice).count() == 1
