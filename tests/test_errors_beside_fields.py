"""Every error stands beside the field it is about. Every form in the app (found by walking the
pages) is sent empty and sent with nonsense, and every error its form finds must be shown in
the box of the field it names, with the field marked invalid; an error about the form as a
whole is shown with the form. A new form, or a page that draws its errors in one banner,
fails here without anyone adding it."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django import forms
from django.template import Context
from django.test import Client
from django.test.utils import ContextList

from accounts.models import User
from tests.walk import Form, page_forms, rolled_back, seed_account

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"}
NONSENSE = "x" * 6000


@dataclass
class Box:
    """What a person sees of one field: its controls, and what is said about them."""

    controls: set[str] = field(default_factory=set)
    invalid: set[str] = field(default_factory=set)
    said: list[str] = field(default_factory=list)


class Boxes(HTMLParser):
    """Each field's box on a page (a `.field` or a fieldset), and every error said anywhere."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[Box | None, bool]] = []  # per open element: its box, is it errors
        self.boxes: list[Box] = []
        self.said: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        box = Box() if tag == "fieldset" or "field" in classes else None
        if box:
            self.boxes.append(box)
        inner = next((b for b, _ in reversed(self.open) if b), None)
        if tag in {"input", "select", "textarea"} and a.get("name") and inner:
            inner.controls.add(a["name"])
            if a.get("aria-invalid") == "true":
                inner.invalid.add(a["name"])
        if tag not in VOID:
            self.open.append((box, "errors" in classes or "data-form-errors" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if not data.strip() or not any(errors for _, errors in self.open):
            return
        text = " ".join(data.split())
        self.said.append(text)
        for box, _ in reversed(self.open):
            if box:
                box.said.append(text)
                break


def forms_with_errors(context: ContextList | Context | None) -> Iterator[forms.BaseForm]:
    """Every bound form the page was drawn with that found something wrong, formsets' too."""
    layers = context if isinstance(context, ContextList) else [context] if context else []
    dicts = [d for layer in layers for d in getattr(layer, "dicts", [layer])]
    seen: set[int] = set()
    for value in (v for d in dicts for v in d.values()):
        found = value.forms if isinstance(value, forms.BaseFormSet) else [value]
        for form in found:
            if isinstance(form, forms.BaseForm) and form.is_bound and id(form) not in seen:
                seen.add(id(form))
                if form.errors:
                    yield form


def misplaced_errors(client: Client, form: Form, value: str) -> tuple[list[str], bool]:
    """Send the form with every field a person types into set to `value`, and say each error
    that is not shown where it belongs, and whether the form found anything wrong at all.
    Nothing sent is kept."""
    sent = {k: v if k in form.hidden or k in form.radios else value for k, v in form.data.items()}
    with rolled_back():
        response = client.post(form.action, sent)
    refused = list(forms_with_errors(response.context))
    page = Boxes()
    page.feed(response.text)
    wrong = []
    for drawn in refused:
        for name, errors in drawn.errors.items():
            control = drawn.add_prefix(name)
            box = next((b for b in page.boxes if control in b.controls), None)
            beside = name != forms.forms.NON_FIELD_ERRORS and box and control not in form.hidden
            shown = " ".join(box.said if beside and box else page.said)
            for error in errors:
                if " ".join(error.split()) not in shown:
                    wrong.append(f"{form.action} {name}: {error!r} not shown beside it")
            if beside and box and control not in box.invalid:
                wrong.append(f"{form.action} {name}: not marked invalid")
    return wrong, bool(refused)


def test_every_error_stands_beside_its_field(alice: User, alice_client: Client):
    seeded = seed_account(alice, lambda n: f"Typed text {n}", alice_client)
    wrong, refusing = [], set()
    for form in page_forms(alice_client, seeded):
        for value in ("", NONSENSE):
            problems, refused = misplaced_errors(alice_client, form, value)
            wrong += problems
            if refused:
                refusing.add(form.action.split("/")[1])
    assert wrong == []
    # The walk reached forms that refuse, so this cannot pass by finding nothing wrong.
    assert {"people", "conversations", "favours", "capture", "account"} <= refusing
