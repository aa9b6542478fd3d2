"""Nothing is recorded twice: every form in the app that creates something, found by crawling
every page, is sent twice exactly as drawn, and the second time creates nothing."""

import datetime
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from common.once import create_once
from contacts.models import Person
from tests.concurrency import run_at_once
from tests.walk import crawl, project_models, seed_account, start_urls

# What a person would type into a required field of each kind.
TYPED = {
    "date": datetime.date(2026, 1, 15).isoformat(),
    "email": "friend@example.org",
    "tel": "+49 30 1234567",
    "url": "https://example.org",
    "number": "30",
}


@dataclass
class Form:
    action: str
    data: dict[str, str] = field(default_factory=dict)
    radios: set[str] = field(default_factory=set)
    typed: bool = False


class Forms(HTMLParser):
    """Every POST form on a page, filled as a person would: what is drawn stays as drawn, and
    each required field gets something typed into it."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.form = Form(a.get("action") or self.page_url)
            self.forms.append(self.form)
        if self.form is None:
            return
        chosen = "selected" in a or self.select not in self.form.data
        if tag == "option" and self.select and a.get("value") and chosen:
            self.form.data[self.select] = a["value"]
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            self._input(self.form, name, a)
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            self.form.data[name] = "Typed text" if "required" in a else ""
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("value"):
            self.form.data.setdefault(name, a["value"])

    def _input(self, form: Form, name: str, a: dict[str, str]) -> None:
        kind = a.get("type", "text")
        if kind in {"checkbox", "radio"}:
            first_radio = kind == "radio" and name not in form.radios
            if "checked" in a or first_radio:
                form.data[name] = a.get("value", "on")
            form.radios.add(name)
        elif kind == "file":
            return
        elif a.get("value") or not self._to_type(form, a):
            form.data[name] = a.get("value", "")
        else:
            form.data[name] = TYPED.get(kind, "Typed text")
            form.typed = True

    @staticmethod
    def _to_type(form: Form, a: dict[str, str]) -> bool:
        """A required field, or else the first field of a form that requires none: nobody
        sends a form with nothing typed into it."""
        first_text = not form.typed and a.get("type", "text") == "text"
        return "required" in a or first_text

    def handle_data(self, data: str) -> None:
        if self.form is not None and self.textarea and data.strip():
            self.form.data[self.textarea] = data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def row_counts() -> dict[str, int]:
    tables = {
        model._meta.db_table
        for model in project_models(include_auto_created=True)
        if not model._meta.proxy
    }
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 -- our table names
            counts[table] = cursor.fetchone()[0]
    return counts


class RolledBack(Exception):
    pass


def send_twice(client: Client, form: Form) -> tuple[dict[str, int], dict[str, int]]:
    """Post the form twice as drawn, and return how many rows each post added; undo both."""
    before = row_counts()
    try:
        with transaction.atomic():
            client.post(form.action, form.data)
            once = row_counts()
            client.post(form.action, form.data)
            twice = row_counts()
            raise RolledBack
    except RolledBack:
        pass
    first = {t: once[t] - before[t] for t in before if once[t] != before[t]}
    second = {t: twice[t] - once[t] for t in before if twice[t] != once[t]}
    return first, second


@pytest.fixture
def every_form(alice: User, alice_client: Client) -> list[Form]:
    seeded = seed_account(alice, lambda n: f"Typed text {n}", alice_client)
    logout = reverse("account_logout")
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    for response in crawl(alice_client, start_urls(seeded)):
        if response.htmx_target is None and "text/html" in response.content_type:
            parser = Forms(response.url)
            parser.feed(response.body)
            for form in parser.forms:
                if not form.action.startswith(logout):
                    forms.setdefault((form.action, tuple(sorted(form.data))), form)
    return list(forms.values())


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
            owner=alice, key=key, create=lambda: Person.objects.create(owner=alice, name="Ada")
        )

    errors = run_at_once(create, times=4)
    assert [e for e in errors if not isinstance(e, DatabaseError)] == []
    assert Person.objects.filter(owner=alice).count() == 1
