"""What the date forms say and what they do agree, for every kind, and every message they give
is their own: no field marked optional that is needed, no choice offered that does not apply,
and none of Django's stock messages ("Ensure this value is greater than or equal to 1")."""

import html
import re
import uuid
from collections.abc import Callable

import pytest
from django import forms
from django.core import validators
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import AccessToken, User
from accounts.services import token_create
from contacts.models import Person, PersonDate
from tests.factories import PersonFactory, drawn_form

# A date that is fine for every kind; each field is then left empty in turn.
FILLED = {"label": "Moved to Lisbon", "day": "12", "month": "11", "year": "2019", "repeats": "on"}


def drawn(client: Client, person: Person, kind: str) -> str:
    """The date form as drawn for a kind, the way choosing the kind draws it again."""
    url = reverse("contacts:date_create", args=[person.pk])
    return client.get(url, {"kind": kind}, headers={"HX-Request": "true"}).text


def fields_shown(page: str) -> dict[str, bool]:
    """Each field the form shows but the kind, and whether its label says "optional"."""
    shown = {}
    for name in ("label", "day", "month", "year", "repeats"):
        box = re.search(
            rf'<div class="field[^"]*">\s*(?:<input[^>]*name="{name}"[^>]*>)?'
            rf'\s*<label for="id_{name}">(.*?)</label>',
            page,
            re.DOTALL,
        )
        if box:
            shown[name] = 'class="optional"' in box[1]
    return shown


@pytest.mark.parametrize("kind", PersonDate.Kind.values)
def test_a_field_is_marked_optional_exactly_when_it_may_be_left_empty(
    kind: str, alice: User, alice_client: Client
):
    person = PersonFactory(owner=alice)
    shown = fields_shown(drawn(alice_client, person, kind))
    assert {"day", "month", "year"} <= shown.keys()
    for field, optional in shown.items():
        if field == "repeats":
            continue  # a tick box: empty is a choice, "once"
        sent = {"kind": kind, **FILLED, field: ""} | drawn_form()
        response = alice_client.post(reverse("contacts:date_create", args=[person.pk]), sent)
        accepted = response.status_code == 302
        assert accepted == optional, (kind, field)
        PersonDate.objects.filter(person=person).delete()


@pytest.mark.parametrize("kind", PersonDate.Kind.values)
def test_a_kind_is_offered_only_what_applies_to_it(kind: str, alice: User, alice_client: Client):
    rules = PersonDate.RULES[kind]
    shown = fields_shown(drawn(alice_client, PersonFactory(owner=alice), kind))
    assert ("label" in shown) == rules.label_offered
    assert ("repeats" in shown) == rules.may_happen_once
    if rules.label_offered:
        assert shown["label"] == (not rules.label_required)


def test_a_birthday_always_repeats_whatever_is_sent(alice: User, alice_client: Client):
    person = PersonFactory(owner=alice)
    page = drawn(alice_client, person, "birthday")
    assert "Every year" not in page
    sent = {"kind": "birthday", "day": "12", "month": "11", "year": "1971"} | drawn_form()
    alice_client.post(reverse("contacts:date_create", args=[person.pk]), sent)  # no "repeats"
    assert PersonDate.objects.get(person=person).repeats is True


def test_choosing_another_kind_keeps_what_was_typed(alice: User, alice_client: Client):
    person = PersonFactory(owner=alice)
    key = str(uuid.uuid4())
    url = reverse("contacts:date_create", args=[person.pk])
    typed = {"kind": "other", "label": "Moved to Lisbon", "day": "3", "month": "4", "once": key}
    page = alice_client.get(url, typed | {"year": "2019"}, headers={"HX-Request": "true"}).text
    assert 'value="Moved to Lisbon"' in page
    assert '<option value="3" selected>' in page
    assert '<option value="4" selected>' in page
    assert 'value="2019"' in page
    assert f'value="{key}"' in page  # still the one form: sent twice, it saves once
    assert not PersonDate.objects.exists()  # drawing it saves nothing


# Each form that takes a date, and how to send it one: its year, day and month fields.
Sender = Callable[[Client, User, dict[str, str]], dict[str, list[str]]]


def _form_errors(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, block in re.findall(r'id="id_(\w+)_error"[^>]*>(.*?)</div>', page, re.DOTALL):
        found[field] = [html.unescape(m) for m in re.findall(r"<p>(.*?)</p>", block)]
    return found


def date_form(client: Client, user: User, parts: dict[str, str]) -> dict[str, list[str]]:
    person = PersonFactory(owner=user)
    sent = {"kind": "anniversary", "day": "12", "month": "11", **parts} | drawn_form()
    page = client.post(reverse("contacts:date_create", args=[person.pk]), sent).text
    return _form_errors(page)


def person_form(client: Client, user: User, parts: dict[str, str]) -> dict[str, list[str]]:
    sent = {
        "name": "Helga",
        "circle": "wider",
        "status": "known",
        "channels-TOTAL_FORMS": "0",
        "channels-INITIAL_FORMS": "0",
        "birthday_day": "12",
        "birthday_month": "11",
    } | {f"birthday_{part}": value for part, value in parts.items()}
    page = client.post(reverse("contacts:create"), sent | drawn_form()).text
    return {k.removeprefix("birthday_"): v for k, v in _form_errors(page).items()}


def capture(client: Client, user: User, parts: dict[str, str]) -> dict[str, list[str]]:
    sent = {
        "account": user.device_tag,
        "key": str(uuid.uuid4()),
        "name": "Helga",
        "favour_giver": "me",
        "birthday_day": "12",
        "birthday_month": "11",
    } | {f"birthday_{part}": value for part, value in parts.items()}
    response = client.post(reverse("capture:page"), sent, headers={"Accept": "application/json"})
    errors = response.json()["errors"]
    return {k.removeprefix("birthday_"): [e["message"] for e in v] for k, v in errors.items()}


def api_capture(client: Client, user: User, parts: dict[str, str]) -> dict[str, list[str]]:
    """The API takes a birthday as one object whose schema states its bounds, so an odd part
    is refused before any form, with its place named in `loc`."""
    secret = token_create(owner=user, name="Phone", scope=AccessToken.Scope.WRITE)[1]
    birthday: dict[str, object] = {"day": 12, "month": 11}
    birthday |= {part: int(value) for part, value in parts.items()}
    response = client.post(
        "/api/v1/capture",
        {"key": str(uuid.uuid4()), "name": "Helga", "birthday": birthday},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 422, response.content
    said: dict[str, list[str]] = {}
    for problem in response.json()["detail"]:
        said.setdefault(str(problem["loc"][-1]), []).append(problem["msg"])
    return said


FORMS = [date_form, person_form, capture, api_capture]
ODD = {
    "year": ["0", "-1", "1899", "10000", "99999999999999999999", "nineteen"],
    "day": ["0", "32", "-1", "x"],
    "month": ["0", "13", "x"],
}


def stock_messages() -> list[re.Pattern[str]]:
    """Django's own messages for form fields and validators, as patterns."""
    texts = [
        str(message)
        for field in (forms.Field, forms.IntegerField, forms.ChoiceField, forms.TypedChoiceField)
        for message in field.default_error_messages.values()
    ]
    texts += [
        str(validator.message)
        for validator in (validators.MinValueValidator, validators.MaxValueValidator)
    ]
    return [
        re.compile(re.sub(r"%\\\((\w+)\\\)s", ".*", re.escape(text.rstrip(".")))) for text in texts
    ]


@pytest.mark.parametrize(
    ("form", "field", "value"),
    [
        pytest.param(form, field, value, id=f"{form.__name__}-{field}-{value[:8]}")
        for form in FORMS
        for field, values in ODD.items()
        for value in values
        # The API takes numbers: its schema refuses anything else as a type, before any form.
        if form is not api_capture or re.fullmatch(r"-?\d+", value)
    ],
)
def test_an_odd_date_gets_a_clear_message_of_the_apps_own(
    form: Sender, field: str, value: str, alice: User, alice_client: Client
):
    with translation.override("en"):
        stock = stock_messages()
    errors = form(alice_client, alice, {field: value})
    said = errors.get(field, [])
    assert said, (field, value, errors)
    for message in said:
        assert not any(pattern.match(message) for pattern in stock), message
