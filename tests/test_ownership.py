"""Walks the whole URLconf: no URL that names an object shows or changes another user's data."""

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import AccessToken, User
from accounts.services import token_create
from common.models import Removal
from connections.models import Connection, Introduction
from contacts.models import Person, PersonDate
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from portability.models import ImportBatch
from tests.factories import (
    ConnectionFactory,
    ConversationFactory,
    FavourFactory,
    PersonDateFactory,
    PersonFactory,
    StoryFactory,
    with_photo,
)
from tests.walk import a_removal


def signed_in_elsewhere(owner: User) -> UserSession:
    store = SessionStore()
    store.create()
    return UserSession.objects.create(
        user=owner, ip="192.0.2.1", session_key=store.session_key, user_agent="Firefox"
    )


# For each (app namespace, URL argument), the object it names, made for a given owner.
# A new object URL fails the test below until its kind of object is added here.
OWNED_OBJECTS: dict[tuple[str, str], Callable[[User], models.Model]] = {
    # With a photo, so that its addresses answer the owner.
    ("contacts", "pk"): lambda owner: with_photo(PersonFactory(owner=owner)),
    ("relationships", "pk"): lambda owner: PersonFactory(owner=owner),
    ("conversations", "pk"): lambda owner: ConversationFactory(owner=owner),
    ("conversations", "story_pk"): lambda owner: StoryFactory(owner=owner),
    ("conversations", "person_pk"): lambda owner: PersonFactory(owner=owner),
    ("favours", "pk"): lambda owner: FavourFactory(owner=owner),
    ("contacts", "date_pk"): lambda owner: PersonDateFactory(person=PersonFactory(owner=owner)),
    ("favours", "person_pk"): lambda owner: PersonFactory(owner=owner),
    ("connections", "pk"): lambda owner: ConnectionFactory(owner=owner, person_a__owner=owner),
    ("connections", "person_pk"): lambda owner: PersonFactory(owner=owner),
    ("portability", "batch_pk"): lambda owner: ImportBatch.objects.create(
        owner=owner, filename="contacts.vcf", candidates=[]
    ),
    ("accounts", "token_pk"): lambda owner: token_create(owner=owner, name="x", scope="read")[0],
    ("accounts", "session_pk"): signed_in_elsewhere,
    ("common", "removal_pk"): a_removal,
}
THIRD_PARTY = ("allauth.",)
# The JSON API answers tokens only; tests/api/test_api.py walks its every operation as a
# stranger.
API = "ninja."
# Links that carry a signed token or a secret instead of an object id; tests/digest/test_digest.py
# and tests/calendars/test_feed.py prove they act only for their own user.
SIGNED_LINKS = {"digest:action", "calendars:feed"}
# Sessions are left out: the requests themselves record theirs (model_state proves the
# stranger's requests did not end alice's).
OWNED_MODELS = [
    Person,
    Conversation,
    Story,
    Touch,
    Favour,
    PersonDate,
    Connection,
    Introduction,
    AccessToken,
    Removal,
]


def object_urls(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from object_urls(entry.url_patterns, entry.namespace or namespace)
        elif (
            entry.pattern.converters
            and not entry.lookup_str.startswith((*THIRD_PARTY, API))
            and f"{namespace}:{entry.name}" not in SIGNED_LINKS
        ):
            yield namespace, entry


URLS = [(ns, p) for ns, p in object_urls()]


def test_the_walk_finds_the_object_urls():
    names = {f"{ns}:{p.name}" for ns, p in URLS}
    assert {
        "relationships:person",
        "contacts:edit",
        "contacts:archive",
        "conversations:story_edit",
        "contacts:photo",
        "contacts:photo_thumbnail",
        "contacts:photo_upload",
        "contacts:photo_remove",
        "relationships:brief",
        "connections:create",
        "connections:delete",
        "connections:introduction",
        "accounts:token_revoke",
        "accounts:session_end",
        "common:undo",
    } <= names


@pytest.mark.parametrize(("namespace", "pattern"), URLS, ids=[f"{n}:{p.name}" for n, p in URLS])
def test_a_stranger_gets_404_on_every_object_url(
    namespace: str, pattern: URLPattern, alice: User, alice_client: Client, bob_client: Client
):
    (argument,) = pattern.pattern.converters
    assert (namespace, argument) in OWNED_OBJECTS, f"Add {namespace}/{argument} to OWNED_OBJECTS"
    obj = OWNED_OBJECTS[(namespace, argument)](alice)
    before = model_state(obj)
    counts = row_counts()
    url = reverse(f"{namespace}:{pattern.name}", kwargs={argument: obj.pk})

    statuses = {
        bob_client.get(url).status_code,
        bob_client.post(url, {"archived": "1"}).status_code,
    }
    assert statuses <= {404, 405}
    assert 404 in statuses
    assert model_state(obj) == before
    assert row_counts() == counts
    assert alice_client.get(url).status_code in {200, 405}


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in OWNED_MODELS}


def model_state(obj: models.Model) -> dict[str, object]:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def test_bob_cannot_see_alices_people_by_guessing_ids(alice: User, bob_client: Client):
    person: Person = PersonFactory(owner=alice)
    assert bob_client.get(reverse("relationships:person", args=[person.pk])).status_code == 404


# Reads by id that name no one's object: the signed-in user themselves, a signed link's user.
NOT_OWNED = {"User"}
BY_ID = {"pk", "id", "pk__in", "id__in"}
# How a read is kept to one account: its owner's queryset, or a filter on an owner or on a
# person (whose things, a channel say, are theirs).
SCOPED_BY = {"for_user", "owner", "owner_id", "person", "person_id"}


def reads_by_bare_id(source: str) -> list[int]:
    """The lines of a module that look an object up by its id (`.get(pk=...)`, `.filter(pk=...)`,
    `.in_bulk(...)`) with nothing in the expression keeping it to one account."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        by_id = node.func.attr == "in_bulk" or (
            node.func.attr in {"get", "filter"} and {k.arg for k in node.keywords} & BY_ID
        )
        names = set()
        for part in ast.walk(node):
            if isinstance(part, ast.Attribute):
                names.add(part.attr)
            elif isinstance(part, ast.Name):
                names.add(part.id)
            elif isinstance(part, ast.keyword) and part.arg:
                names.add(part.arg)
        if by_id and not names & (SCOPED_BY | NOT_OWNED):
            lines.append(node.lineno)
    return lines


def test_views_read_objects_by_id_only_through_their_owners_queryset():
    """A view that reads an object by an id it did not get from its owner's queryset could
    show someone else's: every read by id in a view goes through `for_user` (or the one
    helper, `get_owned_or_404`, which does)."""
    root = Path(__file__).resolve().parents[1]
    found = {
        f"{path.relative_to(root)}:{line}"
        for path in root.glob("*/views.py")
        for line in reads_by_bare_id(path.read_text())
    }
    assert found == set()


def test_the_bare_id_check_finds_each_shape():
    assert reads_by_bare_id("Person.objects.get(pk=1)") == [1]
    assert reads_by_bare_id("with_introduction(Person.objects.all()).get(pk=x)") == [1]
    assert reads_by_bare_id("Person.objects.in_bulk(ids)") == [1]
    assert reads_by_bare_id("Person.objects.for_user(u).filter(pk__in=ids)") == []
    assert reads_by_bare_id("Channel.objects.filter(pk__in=Channel.objects.filter(person=p))") == []
    assert reads_by_bare_id("User.objects.filter(pk=1)") == []
