"""The JSON API: tokens in the header only, ownership on every operation, write scope, the
capture key, and text that comes back as data."""

import datetime
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken, User
from accounts.services import token_create
from api.urls import api
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from relationships.services.muscles import muscles_recompute
from tests.factories import (
    ChannelFactory,
    ConversationFactory,
    PersonDateFactory,
    PersonFactory,
    TagFactory,
)
from tests.test_escaping import attack

API = "/api/v1"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def alice_token(alice: User) -> str:
    return token_create(owner=alice, name="Phone", scope=AccessToken.Scope.WRITE)[1]


@pytest.fixture
def alice_reader(alice: User) -> str:
    return token_create(owner=alice, name="Script", scope=AccessToken.Scope.READ)[1]


@pytest.fixture
def bob_token(bob: User) -> str:
    return token_create(owner=bob, name="Phone", scope=AccessToken.Scope.WRITE)[1]


def post(client: Client, path: str, secret: str, data: object = None) -> object:
    return client.post(
        API + path, data or {}, content_type="application/json", headers=bearer(secret)
    )


# Every operation of the API, with what it needs: the test below fails when one is added
# without being listed here, so each one has its ownership test.
def operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items()
        for method in methods
    }


def test_every_operation_is_covered_by_the_ownership_tests():
    assert operations() == {
        ("GET", "/people"),
        ("GET", "/people/{person_id}"),
        ("POST", "/people/{person_id}/caught-up"),
        ("POST", "/conversations"),
        ("POST", "/capture"),
        ("GET", "/reach-out"),
    }


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer knot_wrong",
        "Bearer ",
        "Token {secret}",
        "Basic {secret}",
        "Bearer {secret}x",
    ],
)
def test_no_token_or_a_wrong_one_gets_401_with_the_same_body(
    client: Client, alice_token: str, header: str | None
):
    headers = {"Authorization": header.format(secret=alice_token)} if header else {}
    response = client.get(f"{API}/people", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_an_expired_or_revoked_token_gets_the_same_401(client: Client, alice: User):
    expired_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    _token, expired = token_create(owner=alice, name="Old", scope="read", expires_at=expired_at)
    revoked_token, revoked = token_create(owner=alice, name="Gone", scope="read")
    revoked_token.delete()
    with time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)):
        for secret in (expired, revoked):
            response = client.get(f"{API}/people", headers=bearer(secret))
            assert response.status_code == 401
            assert response.json() == {"detail": "Unauthorized"}


def test_a_token_works_until_its_expiry(client: Client, alice: User):
    expires = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    _token, secret = token_create(owner=alice, name="Month", scope="read", expires_at=expires)
    with time_machine.travel(expires - datetime.timedelta(seconds=1)):
        assert client.get(f"{API}/people", headers=bearer(secret)).status_code == 200
    with time_machine.travel(expires):
        assert client.get(f"{API}/people", headers=bearer(secret)).status_code == 401


def test_a_token_in_the_address_or_a_session_cookie_is_not_enough(
    alice_client: Client, alice_token: str
):
    assert alice_client.get(f"{API}/people").status_code == 401
    assert alice_client.get(f"{API}/people", {"token": alice_token}).status_code == 401
    assert alice_client.get(f"{API}/people", {"access_token": alice_token}).status_code == 401


def test_only_a_hash_of_the_token_is_stored_and_last_used_is_noted(
    client: Client, alice: User, alice_token: str
):
    token = AccessToken.objects.get(owner=alice, name="Phone")
    assert alice_token not in token.digest
    assert token.last_used_at is None
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)):
        client.get(f"{API}/people", headers=bearer(alice_token))
    token.refresh_from_db()
    assert token.last_used_at == datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)


def test_people_list_searches_and_pages(client: Client, alice: User, bob: User, alice_reader):
    for n in range(60):
        PersonFactory(owner=alice, name=f"Person {n:02d}", organisation="")
    PersonFactory(owner=alice, name="Tomás Herrera", organisation="Siemens Healthineers")
    PersonFactory(owner=bob, name="Tomas Bob")
    first = client.get(f"{API}/people", headers=bearer(alice_reader)).json()
    assert first["count"] == 61
    assert len(first["items"]) == 50
    second = client.get(f"{API}/people", {"page": 2}, headers=bearer(alice_reader)).json()
    assert len(second["items"]) == 11
    found = client.get(f"{API}/people", {"q": "tomas"}, headers=bearer(alice_reader)).json()
    assert [p["name"] for p in found["items"]] == ["Tomás Herrera"]
    by_work = client.get(f"{API}/people", {"q": "siemens"}, headers=bearer(alice_reader)).json()
    assert by_work["count"] == 1


def test_pages_and_ids_have_bounds_the_schema_states(client: Client, alice: User, alice_reader):
    PersonFactory(owner=alice)
    parameters = {
        (path, p["name"]): (p["schema"].get("minimum"), p["schema"].get("maximum"))
        for path, methods in api.get_openapi_schema()["paths"].items()
        for operation in methods.values()
        for p in operation["parameters"]
        if p["name"] != "q"
    }
    assert set(parameters.values()) == {(1, 10**6), (1, 200), (1, 2**63 - 1)}

    def status(address: str) -> int:
        return client.get(f"{API}{address}", headers=bearer(alice_reader)).status_code

    # The last page's offset once overflowed PostgreSQL's bigint: a 500.
    assert [status(f"/people?page={n}") for n in (10**6, 10**6 + 1, 10**20)] == [200, 422, 422]
    assert [status(f"/people?page_size={n}") for n in (200, 201)] == [200, 422]
    assert [status(f"/people/{n}") for n in (2**63 - 1, 2**63, 0)] == [404, 422, 422]
    too_large = {"key": "k" * 10, "people": [2**63]}
    assert post(client, "/conversations", alice_reader, too_large).status_code == 422


def test_the_people_list_takes_a_fixed_number_of_queries(
    client: Client, alice: User, alice_reader: str, django_assert_num_queries
):
    PersonFactory.create_batch(3, owner=alice)
    client.get(f"{API}/people", headers=bearer(alice_reader))  # notes "last used" for a minute
    with django_assert_num_queries(3):  # the token, a count, a page
        client.get(f"{API}/people", headers=bearer(alice_reader))
    PersonFactory.create_batch(80, owner=alice)
    with django_assert_num_queries(3):
        client.get(f"{API}/people", headers=bearer(alice_reader))


def test_one_person_comes_with_channels_tags_and_dates(client: Client, alice: User, alice_reader):
    helga = PersonFactory(owner=alice, name="Helga")
    ChannelFactory(person=helga, value="helga@example.org")
    helga.tags.add(TagFactory(owner=alice, name="sailing"))
    PersonDateFactory(person=helga, month=2, day=29, year=1964)
    with time_machine.travel(datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC)):
        data = client.get(f"{API}/people/{helga.pk}", headers=bearer(alice_reader)).json()
    assert data["dates"] == [
        {
            "kind": "birthday",
            "label": "",
            "month": 2,
            "day": 29,
            "year": 1964,
            "repeats": True,
            "next_on": "2027-02-28",  # not a leap year
        }
    ]
    assert data["name"] == "Helga"
    assert data["channels"] == [{"kind": "email", "value": "helga@example.org", "label": ""}]
    assert data["tags"] == ["sailing"]
    assert data["url"] == helga.get_absolute_url()


def test_another_accounts_ids_give_404_on_every_operation(
    client: Client, alice: User, bob: User, bob_token: str
):
    helga = PersonFactory(owner=alice)
    mine = PersonFactory(owner=bob)
    counts = (Conversation.objects.count(), Story.objects.count(), Touch.objects.count())
    key = str(uuid.uuid4())
    responses = [
        client.get(f"{API}/people/{helga.pk}", headers=bearer(bob_token)),
        post(client, f"/people/{helga.pk}/caught-up", bob_token),
        post(client, "/conversations", bob_token, {"key": key, "people": [mine.pk, helga.pk]}),
        post(client, "/capture", bob_token, {"key": key, "person": helga.pk, "story": "x"}),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert (Conversation.objects.count(), Story.objects.count(), Touch.objects.count()) == counts
    # The lists show only bob's own.
    people = client.get(f"{API}/people", headers=bearer(bob_token)).json()
    assert [p["id"] for p in people["items"]] == [mine.pk]
    muscles_recompute(user_ids=[alice.pk, bob.pk])
    reach = client.get(f"{API}/reach-out", headers=bearer(bob_token)).json()
    assert helga.pk not in {entry["person"]["id"] for entry in reach}


def test_a_story_told_by_someone_not_in_the_conversation_is_refused(
    client: Client, alice: User, alice_token: str
):
    helga, tom = PersonFactory(owner=alice), PersonFactory(owner=alice)
    response = post(
        client,
        "/conversations",
        alice_token,
        {"key": "k" * 10, "people": [helga.pk], "stories": [{"person": tom.pk, "text": "x"}]},
    )
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"No person with id {tom.pk} among the conversation's people."
    }
    assert not Conversation.objects.exists()


def test_a_person_not_found_is_named(client: Client, alice: User, bob: User, alice_token: str):
    helga, bobs = PersonFactory(owner=alice), PersonFactory(owner=bob)
    responses = [
        post(client, "/conversations", alice_token, {"key": "k" * 10, "people": [helga.pk, 99]}),
        post(client, "/conversations", alice_token, {"key": "k" * 10, "people": [bobs.pk]}),
        post(client, "/capture", alice_token, {"key": "k" * 10, "person": bobs.pk}),
    ]
    assert [(r.status_code, r.json()["detail"]) for r in responses] == [
        (404, "No person with id 99."),
        (404, f"No person with id {bobs.pk}."),
        (404, f"No person with id {bobs.pk}."),
    ]
    assert not Conversation.objects.exists()


def test_a_read_only_token_cannot_write(client: Client, alice: User, alice_reader: str):
    helga = PersonFactory(owner=alice)
    responses = [
        post(client, f"/people/{helga.pk}/caught-up", alice_reader),
        post(client, "/conversations", alice_reader, {"key": "k" * 10, "people": [helga.pk]}),
        post(client, "/capture", alice_reader, {"key": "k" * 10, "name": "Tom"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert responses[0].json() == {"detail": "This token can only read."}
    assert not Touch.objects.exists()
    assert not Conversation.objects.exists()
    assert Person.objects.count() == 1
    assert client.get(f"{API}/people/{helga.pk}", headers=bearer(alice_reader)).status_code == 200


def test_logging_a_call_twice_with_one_key_records_it_once(
    client: Client, alice: User, alice_token: str
):
    helga, tom = PersonFactory(owner=alice), PersonFactory(owner=alice)
    call = {
        "key": "2026-11-23T18:30:00+01:00",
        "people": [helga.pk, tom.pk],
        "kind": "call",
        "place": "Phone",
        "stories": [
            {"person": helga.pk, "text": "Her operation is on Friday.", "ask_on": "2026-11-30"},
            {"person": tom.pk, "text": "Moving to Munich.", "topics": "moving"},
        ],
    }
    with time_machine.travel(datetime.datetime(2026, 11, 23, 18, tzinfo=datetime.UTC)):
        first = post(client, "/conversations", alice_token, call)
        again = post(client, "/conversations", alice_token, call)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    conversation = Conversation.objects.get()
    assert conversation.kind == "call"
    assert conversation.happened_on == datetime.date(2026, 11, 23)
    assert set(conversation.people.all()) == {helga, tom}
    stories = {s.person: s for s in Story.objects.all()}
    assert stories[helga].ask_on == datetime.date(2026, 11, 30)
    assert stories[tom].topics == "moving"


def test_a_retried_capture_records_once(client: Client, alice: User, alice_token: str):
    entry = {
        "key": str(uuid.uuid4()),
        "name": "Helga Brandt",
        "event": "Stanford alumni dinner",
        "spark": "Her brooch",
        "story": "She sails to Lisbon each summer.",
        "email": "helga@example.org",
    }
    first = post(client, "/capture", alice_token, entry)
    again = post(client, "/capture", alice_token, entry)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["created"] is True
    assert again.json()["created"] is False
    assert again.json()["person"] == first.json()["person"]
    helga = Person.objects.get()
    assert (helga.name, helga.met_at, helga.spark) == (
        "Helga Brandt",
        "Stanford alumni dinner",
        "Her brooch",
    )
    assert Story.objects.get().text == "She sails to Lisbon each summer."
    assert helga.channels.get().value == "helga@example.org"
    assert Conversation.objects.count() == 1


def test_a_capture_key_never_answers_with_someone_elses_conversation(
    client: Client, alice: User, bob: User, alice_token: str
):
    """As an attacker tried it: a capture's key, whose person id another account's
    conversation shares, sent to the conversations operation."""
    ConversationFactory(owner=bob, notes="Bob's private notes")
    helga = PersonFactory(owner=alice)
    key = "shortcut-2026-11-23"
    assert post(client, "/capture", alice_token, {"key": key, "name": "Kim"}).status_code == 201
    response = post(client, "/conversations", alice_token, {"key": key, "people": [helga.pk]})
    assert response.status_code == 409
    assert response.json() == {"detail": "This key was already used for something else."}
    assert "Bob" not in response.text
    assert Conversation.objects.filter(owner=alice).count() == 1  # the capture's own


def test_a_key_sent_again_with_other_details_is_refused(
    client: Client, alice: User, alice_token: str
):
    key = str(uuid.uuid4())
    assert post(client, "/capture", alice_token, {"key": key, "name": "Kim"}).status_code == 201
    response = post(client, "/capture", alice_token, {"key": key, "name": "Kai"})
    assert response.status_code == 409
    assert response.json() == {"detail": "This key was already used with other details."}
    assert list(Person.objects.values_list("name", flat=True)) == ["Kim"]


def test_a_capture_is_checked_like_the_page_checks_it(client: Client, alice_token: str):
    response = post(client, "/capture", alice_token, {"key": "k" * 10, "email": "not mail"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "email"}
    assert not Person.objects.exists()


def test_errors_come_in_the_tokens_owners_language(client: Client, alice: User, alice_token):
    alice.language = "de"
    alice.save()
    response = post(client, "/capture", alice_token, {"key": "k" * 10})
    assert (
        response.json()["errors"]["name"][0]["message"]
        == "Wen hast du getroffen? Gib einen Namen ein."
    )


def test_we_caught_up_records_one_touch_a_day(client: Client, alice: User, alice_token: str):
    helga = PersonFactory(owner=alice)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)):
        first = post(client, f"/people/{helga.pk}/caught-up", alice_token)
        again = post(client, f"/people/{helga.pk}/caught-up", alice_token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == {"person": helga.pk, "happened_on": "2026-11-23", "created": True}
    assert Touch.objects.get().happened_on == datetime.date(2026, 11, 23)


def test_today_is_the_token_owners_day(client: Client, alice: User, alice_token: str):
    alice.time_zone = "Pacific/Auckland"
    alice.save()
    helga = PersonFactory(owner=alice)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 20, tzinfo=datetime.UTC)):
        done = post(client, f"/people/{helga.pk}/caught-up", alice_token)
    assert done.json()["happened_on"] == "2026-11-24"  # already tomorrow in Auckland


def test_the_reach_out_list_gives_reasons_and_starters(client: Client, alice: User, alice_reader):
    helga = PersonFactory(owner=alice, name="Helga", spark="Her brooch", met_on="2020-03-01")
    muscles_recompute(user_ids=[alice.pk])
    (entry,) = client.get(f"{API}/reach-out", headers=bearer(alice_reader)).json()
    assert entry["person"]["id"] == helga.pk
    assert entry["reason"].startswith("You met at Stanford alumni dinner")
    assert "Her brooch" in entry["starter"]


def test_stored_text_comes_back_as_data_not_markup(client: Client, alice: User, alice_token):
    text = attack(1)
    response = post(
        client,
        "/capture",
        alice_token,
        {"key": "k" * 10, "name": text, "event": text, "spark": text, "story": text},
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    person = response.json()["person"]
    assert (person["name"], person["met_at"], person["spark"]) == (text, text, text)
    listed = client.get(f"{API}/people", headers=bearer(alice_token))
    assert listed.json()["items"][0]["name"] == text
    assert "&lt;" not in listed.content.decode()
    assert Person.objects.get().name == text


def test_requests_are_rate_limited_per_token(
    client: Client, alice: User, alice_token: str, alice_reader: str, settings
):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)):
        statuses = [
            client.get(f"{API}/people", headers=bearer(alice_token)).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(f"{API}/people", headers=bearer(alice_token))
        assert int(limited["Retry-After"]) > 0
        # Another token has its own count.
        assert client.get(f"{API}/people", headers=bearer(alice_reader)).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 1, 1, tzinfo=datetime.UTC)):
        assert client.get(f"{API}/people", headers=bearer(alice_token)).status_code == 200


def test_the_openapi_schema_is_served(client: Client):
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["info"]["version"] == "1"
    assert "/api/v1/capture" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
