"""The API does what its schema says: a request the schema allows is recorded, and one it
refuses is refused, for the rules a form checks that a field's type alone cannot say."""

import uuid

import jsonschema_rs
import pytest
from django.test import Client

from accounts.models import AccessToken, User
from accounts.services import token_create
from api.urls import api
from tests.factories import PersonFactory

SCHEMA = api.get_openapi_schema()
# Alice's people, with ids no sequence reaches, known before any request is made.
PEOPLE = [2**62 + n for n in range(3)]


@pytest.fixture
def phone(alice: User) -> str:
    """A write token of Alice's, who has the people PEOPLE names."""
    for pk in PEOPLE:
        PersonFactory(pk=pk, owner=alice)
    return token_create(owner=alice, name="Phone", scope=AccessToken.Scope.WRITE)[1]


def send(client: Client, path: str, body: dict[str, object], secret: str) -> int:
    headers = {"Authorization": f"Bearer {secret}"}
    return client.post(path, body, content_type="application/json", headers=headers).status_code


def valid(body: dict[str, object], component: str) -> bool:
    schemas = SCHEMA["components"]["schemas"]
    document = schemas[component] | {"components": {"schemas": schemas}}
    return jsonschema_rs.validator_for(document, validate_formats=True).is_valid(body)


@pytest.mark.parametrize(
    ("entry", "recorded"),
    [
        pytest.param({"name": "Kim"}, True, id="a name"),
        pytest.param({"person": PEOPLE[0]}, True, id="a known person"),
        # The request Schemathesis found valid by the schema, which the form refused.
        pytest.param({}, False, id="neither"),
        pytest.param({"name": " \t"}, False, id="a blank name"),
        pytest.param(
            {"name": "Kim", "ask_on": "2020-05-01", "story": "Her operation"}, True, id="follow-up"
        ),
        pytest.param(
            {"name": "Kim", "ask_on": "2020-05-01", "story": " "}, False, id="follow-up of nothing"
        ),
        pytest.param({"name": "Kim", "ask_on": None}, True, id="no follow-up"),
        pytest.param({"name": "Kim", "phone": " +49 (30) 123-4567 "}, True, id="a phone number"),
        pytest.param({"name": "Kim", "phone": "+49 30"}, False, id="four digits"),
        pytest.param({"name": "Kim", "phone": "call me"}, False, id="words for a number"),
        pytest.param({"name": "Kim", "phone": "  "}, True, id="a blank number"),
        pytest.param({"name": "Kim", "email": "kim@example.org"}, True, id="an address"),
        pytest.param({"name": "Kim", "email": "kim@"}, False, id="half an address"),
    ],
)
def test_the_schema_says_which_captures_are_recorded(
    client: Client, phone: str, entry: dict[str, object], recorded: bool
):
    body = {"key": str(uuid.uuid4())} | entry
    assert valid(body, "CaptureIn") is recorded
    assert send(client, "/api/v1/capture", body, phone) == (201 if recorded else 400)


@pytest.mark.parametrize(("text", "recorded"), [("Moving to Munich.", True), ("  ", False)])
def test_the_schema_says_a_story_needs_words(client: Client, phone: str, text: str, recorded: bool):
    story = {"person": PEOPLE[0], "text": text}
    body = {"key": str(uuid.uuid4()), "people": [PEOPLE[0]], "stories": [story]}
    assert valid(body, "ConversationIn") is recorded
    assert send(client, "/api/v1/conversations", body, phone) == (201 if recorded else 400)
