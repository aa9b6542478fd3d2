"""The API does what its schema says: Schemathesis sends a live server what the schema allows
and what it refuses, with every check, and each answer must be one the schema describes; and on
each side of every rule a form checks, the schema and the server agree."""

import datetime
import uuid

import hypothesis
import jsonschema_rs
import pytest
import schemathesis
from django.test import Client
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from accounts.models import AccessToken, User
from accounts.services import token_create
from api.urls import api
from tests.factories import PersonFactory

# Alice's people, with ids no sequence reaches, known before any request is drawn: half the
# person ids sent are theirs, so that each operation gets past the 404 to what it does.
PEOPLE = [2**62 + n for n in range(3)]
ONE_OF_THEM = {"dictionary": "people", "probability": 0.5}

SCHEMA = api.get_openapi_schema()
schema = schemathesis.openapi.from_dict(
    SCHEMA,
    config=SchemathesisConfig.from_dict(
        {
            # Each run starts afresh, not from crashes an earlier one kept.
            "cache": {"enabled": False},
            # JSON Schema has no "this year" either: birthdays are drawn from years gone by,
            # leap years, so that 29 February is one too.
            "dictionaries": {"people": {"values": PEOPLE}, "years": {"values": [1948, 1984]}},
            "parameters": {
                "path.person_id": ONE_OF_THEM,
                "body.people[*]": ONE_OF_THEM,
                "body.person": ONE_OF_THEM,
                "body.stories[*].person": ONE_OF_THEM,
                "body.birthday.year": {"dictionary": "years", "probability": 1.0},
            },
            "generation": {
                # The same requests every run, and under a minute of them.
                "deterministic": True,
                "max-examples": 40,
                # The description says a NUL byte is refused anywhere, which no schema can.
                "allow-x00": False,
                # The token is the test's own; the ignored_auth check sends requests without it.
                "with-security-parameters": False,
            },
        }
    ),
)
# JSON Schema has no "today": days are drawn from those the descriptions allow, up to
# yesterday, so that no owner's time zone makes one lie in the future.
schemathesis.openapi.format(
    "date",
    st.dates(
        datetime.date(1900, 1, 1),
        datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1),
    ).map(str),
)
# Addresses as the description has them, ending in two letters or more: Schemathesis's own
# "a@b.c" is an email address to JSON Schema, but not to the form.
schemathesis.openapi.format("email", st.emails())


@pytest.fixture
def phone(alice: User) -> str:
    """A write token of Alice's, who has the people PEOPLE names."""
    for pk in PEOPLE:
        PersonFactory(pk=pk, owner=alice)
    return token_create(owner=alice, name="Phone", scope=AccessToken.Scope.WRITE)[1]


@pytest.fixture
def served(transactional_db: None, live_server: object, phone: str, settings: object) -> str:
    """The phone's token, for the live server in another thread to see, and with room for the
    hundreds of requests a minute Schemathesis makes with it."""
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000  # type: ignore[attr-defined]
    return phone


@schema.parametrize()
# One account and token serve every request to an operation, as one phone would send them.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_every_answer_is_one_the_schema_describes(case, live_server, served: str):
    # A key sent again with other details is refused with 409, which the schema describes.
    case.call_and_validate(base_url=live_server.url, headers={"Authorization": f"Bearer {served}"})


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
        pytest.param({"name": "Kim", "birthday": {"day": 29, "month": 2}}, True, id="leap day"),
        pytest.param({"name": "Kim", "birthday": {"day": 31, "month": 4}}, False, id="31 April"),
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
