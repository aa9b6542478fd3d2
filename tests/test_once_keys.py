"""A key names one request of one account. Every create form (found by walking the pages) and
every create operation of the API (found in its OpenAPI schema) is sent with a key another
action already used: in both orders, with other details, by the same account and by another.
A reused key never answers with another account's data, never causes a server error, and never
records a second thing."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve

from accounts.models import AccessToken, User
from accounts.services import token_create
from api.urls import api
from common.once import FORM_SENT_BEFORE
from contacts.models import Person
from tests.conftest import reauthenticate
from tests.walk import content_of, page_forms, rolled_back, row_counts, seed_account

TYPED = "Typed text"
# A body for each create operation of the API, around the person it is about. An operation
# that takes a key and is missing here fails the walk, so none goes untested.
API_BODIES: dict[str, Callable[[Person], dict[str, Any]]] = {
    "/api/v1/conversations": lambda person: {
        "people": [person.pk],
        "notes": TYPED,
        "stories": [{"person": person.pk, "text": TYPED}],
    },
    "/api/v1/capture": lambda person: {"name": TYPED, "story": TYPED},
}


@dataclass
class Action:
    """One way to create something, able to send a given key, with its details as drawn or
    with other details."""

    name: str
    send: Callable[[str, bool], HttpResponse]
    is_api: bool


def other(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data).replace(TYPED, "Other text"))  # type: ignore[no-any-return]


def form_actions(client: Client, owner: User, texts: Callable[[int], str]) -> dict[str, Action]:
    seeded = seed_account(owner, texts, client)
    reauthenticate(client)  # making a token asks for the password again
    someone = Person.objects.filter(owner=owner).values_list("name", flat=True).first()
    actions = {}
    for form in page_forms(client, seeded):
        field = next((name for name in ("once", "key") if name in form.data), None)
        if field is None:
            continue  # not a form that creates something
        name = f"{resolve(urlsplit(form.action).path).view_name} {sorted(form.data)}"
        # As drawn, or with one typed field naming one of their people (a link's other end).
        for data in [form.data] + [
            form.data | {typed: someone} for typed, value in form.data.items() if value == TYPED
        ]:

            def send(
                key: str,
                changed: bool,
                data: Any = data,
                action: str = form.action,
                at: str = field,
            ) -> HttpResponse:
                return client.post(action, (other(data) if changed else data) | {at: key})

            if creates(send):
                actions[name] = Action(name, send, is_api=False)
                break
    return actions


def creates(send: Callable[[str, bool], HttpResponse]) -> bool:
    """Whether sending this as drawn records something (a form whose typed text names no one,
    say, is refused); undone either way."""
    with rolled_back():
        before = row_counts()
        send(str(uuid.uuid4()), False)
        made = added(before, row_counts())
    return bool(made)


def api_operations() -> list[str]:
    """The API's operations that create something: those whose body takes a key."""
    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        body = methods.get("post", {}).get("requestBody", {})
        ref = body.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        if ref and "key" in schema["components"]["schemas"][ref.split("/")[-1]]["properties"]:
            found.append(path)
    return found


def api_actions(owner: User) -> dict[str, Action]:
    secret = token_create(owner=owner, name="Phone", scope=AccessToken.Scope.WRITE)[1]
    person = Person.objects.filter(owner=owner, status=Person.Status.KNOWN).first()
    assert person is not None
    actions = {}
    for path in api_operations():

        def send(key: str, changed: bool, path: str = path) -> HttpResponse:
            body = API_BODIES[path](person) | {"key": key}
            return Client().post(
                path,
                other(body) if changed else body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {secret}"},
            )

        actions[path] = Action(path, send, is_api=True)
    return actions


def added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {table: after[table] - before[table] for table in before if after[table] > before[table]}


def findings(first: Action, second: Action, *, stranger: bool, changed: bool) -> list[str]:
    """Send `first` with a key, then `second` with the same key (as another account when
    `stranger`), and say what went wrong; undo everything either did."""
    key = str(uuid.uuid4())
    found = []
    with rolled_back():
        before = row_counts()
        assert first.send(key, False).status_code < 400, first.name
        between = row_counts()
        assert added(before, between), f"{first.name} created nothing"
        response = second.send(key, changed)
        body = content_of(response).decode(errors="replace")
        rows = added(between, row_counts())
    if response.status_code >= 500:
        found.append(f"answered {response.status_code}")
    if stranger:
        if "Alice private" in body:
            found.append("showed the first account's data")
        if not rows:
            found.append(f"recorded nothing for the second account ({response.status_code})")
    else:
        if rows:
            found.append(f"recorded a second thing: {rows}")
        # A form may find something else wrong first (those two are linked already, say).
        said = str(FORM_SENT_BEFORE) in body or (changed and 'role="alert"' in body)
        refused = response.status_code == 409 if second.is_api else said
        if not refused:
            found.append(f"did not say the key was used ({response.status_code})")
    return [f"{first.name} then {second.name}: {finding}" for finding in found]


@pytest.fixture
def actions(alice: User, bob: User, alice_client: Client, bob_client: Client) -> dict[str, Any]:
    alices = form_actions(alice_client, alice, lambda n: f"Alice private {n}")
    bobs = form_actions(bob_client, bob, lambda n: f"Bob's own {n}")
    alices |= api_actions(alice)
    bobs |= api_actions(bob)
    assert alices.keys() == bobs.keys()
    return {"alice": alices, "bob": bobs}


def test_every_create_operation_of_the_api_has_a_body_to_send():
    assert sorted(api_operations()) == sorted(API_BODIES)


def test_a_key_belongs_to_one_request_of_one_account(actions: dict[str, Any]):
    alices, bobs = actions["alice"].values(), actions["bob"].values()
    problems = [
        problem
        for first in alices
        for second in alices
        # Another action with the key, or this one again with other details: both refused.
        for problem in findings(first, second, stranger=False, changed=first is second)
    ]
    problems += [
        problem
        for first in alices
        for second in bobs
        for problem in findings(first, second, stranger=True, changed=False)
    ]
    assert problems == []
    # The walk reached the forms that create things, and the API's operations.
    assert len(actions["alice"]) >= 10
