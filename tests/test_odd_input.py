"""No input is a server error. Every page and partial of the crawl is asked again with each
query parameter its view read set to something odd, and every id in an address made too large
for the database; nothing may answer 5xx. A NUL byte anywhere is refused with 400 and a
message, in the address, a query, a form field or a JSON string."""

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken, User
from accounts.services import token_create
from contacts.models import Person
from tests.walk import ANY_NAME, crawl, seed_account, start_urls

# Raw query-string values: percent-encoded as a browser or a script might send them.
ODD = {
    "a NUL byte": "%00",
    "10^20": "1" + "0" * 20,
    "-1": "-1",
    "10,000 characters": "x" * 10_000,
    "invalid UTF-8": "%FF%FE%FD",
    "an array": None,  # the name given twice
}
# A view that reads every parameter is asked with a name of the fuzzer's own.
SOME_NAME = "q"


def odd_queries(url: str, name: str) -> dict[str, str]:
    """The URL's own query with `name` set to each odd value, as raw query strings."""
    kept = [(k, v) for k, v in parse_qsl(urlsplit(url).query) if k != name]
    base = urlencode(kept, quote_via=quote)
    queries = {}
    for label, value in ODD.items():
        given = f"{name}=a&{name}=b" if value is None else f"{name}={value}"
        queries[label] = f"{base}&{given}" if base else given
    return queries


@pytest.fixture
def walked(alice: User, alice_client: Client):
    seeded = seed_account(alice, lambda n: f"Text {n}", alice_client)
    return crawl(alice_client, start_urls(seeded))


def test_no_query_parameter_a_page_reads_is_a_server_error(alice_client: Client, walked):
    asked, failures = set(), []
    for response in walked:
        path = urlsplit(response.url).path
        headers = {"HX-Request": "true", "HX-Target": response.htmx_target or ""}
        for name in {SOME_NAME if n == ANY_NAME else n for n in response.read}:
            if (path, response.htmx_target, name) in asked:
                continue
            asked.add((path, response.htmx_target, name))
            for label, query in odd_queries(response.url, name).items():
                answer = alice_client.get(
                    path,
                    QUERY_STRING=query,
                    headers=headers if response.htmx_target is not None else {},
                )
                if answer.status_code >= 500:
                    failures.append(f"{path} {name}={label}: {answer.status_code}")
    assert failures == []
    # The walk found the parameters views read: search, paging, filters, suggestions.
    names = {name for _path, _target, name in asked}
    assert {"q", "page", "after", "before", "circle", "city"} <= names, names


def test_no_id_in_an_address_is_a_server_error(alice_client: Client, walked):
    failures = []
    for url in {urlsplit(r.url).path for r in walked}:
        parts = url.split("/")
        for i, part in enumerate(parts):
            if part.isdigit():
                odd = "/".join([*parts[:i], "1" + "0" * 20, *parts[i + 1 :]])
                if (status := alice_client.get(odd).status_code) >= 500:
                    failures.append(f"{odd}: {status}")
    assert failures == []


def test_a_nul_byte_is_refused_with_a_message_wherever_it_comes(alice: User, alice_client):
    secret = token_create(owner=alice, name="Phone", scope=AccessToken.Scope.WRITE)[1]
    person = Person.objects.create(owner=alice, name="Helga")
    in_query = alice_client.get(reverse("relationships:search"), QUERY_STRING="q=a%00b")
    in_form = alice_client.post(reverse("contacts:create"), {"name": "Hel\x00ga"})
    in_json = Client().post(
        "/api/v1/capture",
        {"key": "k" * 10, "name": "Kim\x00"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    in_path = alice_client.get(f"/people/{person.pk}/%00/")
    assert [r.status_code for r in (in_query, in_form, in_json)] == [400, 400, 400]
    assert in_path.status_code in {400, 404}
    assert "cannot be read" in in_query.text
    assert "cannot be read" in in_json.json()["detail"]
    assert list(Person.objects.values_list("name", flat=True)) == ["Helga"]
