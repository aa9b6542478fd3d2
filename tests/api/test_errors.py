"""Every way the API refuses a request is in its schema: the status is one the operation
declares, the body has the shape declared for it, and a header it promises comes with it."""

import uuid
from typing import Any

import jsonschema_rs
import pytest
from django.http import HttpResponse
from django.test import Client

from accounts.models import AccessToken, User
from accounts.services import token_create
from api.urls import api
from contacts.models import Person
from tests.factories import PersonFactory

SCHEMA = api.get_openapi_schema()
GET_PERSON = "/api/v1/people/{person_id}"
CAUGHT_UP = "/api/v1/people/{person_id}/caught-up"


def sendable(person: Person) -> dict[tuple[str, str], tuple[str, dict[str, Any] | None]]:
    """Each operation, by its method and path in the schema, as a request that would work."""
    return {
        ("GET", "/api/v1/people"): ("/api/v1/people", None),
        ("GET", GET_PERSON): (f"/api/v1/people/{person.pk}", None),
        ("POST", CAUGHT_UP): (f"/api/v1/people/{person.pk}/caught-up", {}),
        ("POST", "/api/v1/conversations"): (
            "/api/v1/conversations",
            {"key": str(uuid.uuid4()), "people": [person.pk]},
        ),
        ("POST", "/api/v1/capture"): ("/api/v1/capture", {"key": str(uuid.uuid4()), "name": "Kim"}),
        ("GET", "/api/v1/reach-out"): ("/api/v1/reach-out", None),
    }


def send(
    client: Client, method: str, address: str, body: object, secret: str | None
) -> HttpResponse:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    if method == "GET":
        return client.get(address, headers=headers)
    return client.post(address, body, content_type="application/json", headers=headers)


def assert_declared(response: HttpResponse, method: str, path: str) -> None:
    """The answer is one the operation declares: its status, the shape of its JSON body, and
    the headers the schema says it always carries."""
    declared = SCHEMA["paths"][path][method.lower()]["responses"].get(response.status_code)
    assert declared, f"{method} {path} does not declare {response.status_code}"
    assert response["Content-Type"].startswith("application/json")
    shape = declared["content"]["application/json"]["schema"]
    jsonschema_rs.validator_for(shape | {"components": SCHEMA["components"]}).validate(
        response.json()
    )
    for name, header in declared.get("headers", {}).items():
        assert not header.get("required") or name in response


@pytest.fixture
def helga(alice: User) -> Person:
    return PersonFactory(owner=alice, name="Helga")


@pytest.fixture
def writer(alice: User) -> str:
    return token_create(owner=alice, name="Phone", scope=AccessToken.Scope.WRITE)[1]


def test_every_operation_has_a_request_here(helga: Person):
    assert set(sendable(helga)) == {
        (method.upper(), path) for path, methods in SCHEMA["paths"].items() for method in methods
    }


def test_without_a_token_every_operation_answers_a_declared_401_naming_bearer(
    client: Client, helga: Person
):
    for (method, path), (address, body) in sendable(helga).items():
        response = send(client, method, address, body, secret=None)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json() == {"detail": "Unauthorized"}
        assert_declared(response, method, path)


def test_a_nul_byte_is_a_declared_400_on_every_operation(
    client: Client, helga: Person, writer: str
):
    for (method, path), (address, body) in sendable(helga).items():
        response = send(client, method, f"{address}?note=%00", body, writer)
        assert response.status_code == 400
        assert "NUL" in response.json()["detail"]
        assert_declared(response, method, path)


def test_too_many_requests_are_a_declared_429_on_every_operation(
    client: Client, helga: Person, writer: str, settings
):
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    for (method, path), (address, body) in sendable(helga).items():
        response = send(client, method, address, body, writer)
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert_declared(response, method, path)


def test_a_read_only_token_gets_a_declared_403_on_every_write(
    client: Client, alice: User, helga: Person
):
    reader = token_create(owner=alice, name="Script", scope=AccessToken.Scope.READ)[1]
    for (method, path), (address, body) in sendable(helga).items():
        if method == "POST":
            response = send(client, method, address, body, reader)
            assert response.status_code == 403
            assert_declared(response, method, path)


@pytest.mark.parametrize("path", ["/api/v1/conversations", "/api/v1/capture"])
def test_a_body_that_is_not_json_is_a_declared_400(client: Client, writer: str, path: str):
    response = send(client, "POST", path, '{"key": ', writer)
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
    assert_declared(response, "POST", path)


def test_what_a_form_refuses_is_a_declared_400(client: Client, writer: str):
    body = {"key": str(uuid.uuid4()), "name": "Kim", "phone": "call me"}
    response = send(client, "POST", "/api/v1/capture", body, writer)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"phone"}
    assert_declared(response, "POST", "/api/v1/capture")


@pytest.mark.parametrize(
    ("method", "path", "address", "body"),
    [
        ("GET", "/api/v1/people", "/api/v1/people?page=0", None),
        ("GET", "/api/v1/people", "/api/v1/people?page_size=many", None),
        ("GET", GET_PERSON, "/api/v1/people/someone", None),
        ("POST", CAUGHT_UP, "/api/v1/people/1.5/caught-up", {}),
        ("POST", "/api/v1/conversations", "/api/v1/conversations", {"key": "short"}),
        ("POST", "/api/v1/capture", "/api/v1/capture", {"name": "Kim"}),
    ],
)
def test_what_does_not_fit_the_schema_is_a_declared_422(
    client: Client, writer: str, method: str, path: str, address: str, body: object
):
    response = send(client, method, address, body, writer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] in {"query", "path", "body"}
    assert_declared(response, method, path)


def test_a_spent_key_is_a_declared_409(client: Client, writer: str, helga: Person):
    key = str(uuid.uuid4())
    first = send(client, "POST", "/api/v1/capture", {"key": key, "name": "Kim"}, writer)
    assert first.status_code == 201
    for path, body in [
        ("/api/v1/capture", {"key": key, "name": "Kai"}),
        ("/api/v1/conversations", {"key": key, "people": [helga.pk]}),
    ]:
        response = send(client, "POST", path, body, writer)
        assert response.status_code == 409
        assert_declared(response, "POST", path)
