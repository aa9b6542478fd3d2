"""Every page renders every variable its template names: a field missing from its form, or a
misspelt name, shows as a marker that this walk of every page fails on."""

import copy
import re

import pytest
from django.test import Client
from django.urls import resolve, reverse

from accounts.models import User
from tests.factories import PersonFactory
from tests.walk import crawl, seed_account, start_urls

MISSING = "MISSING-IN-TEMPLATE:"
# allauth's own templates name variables they may lack, by design.
THEIRS = "allauth."


@pytest.fixture
def marked_templates(settings: object) -> None:
    templates = copy.deepcopy(settings.TEMPLATES)  # type: ignore[attr-defined]
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING + "%s"
    settings.TEMPLATES = templates  # type: ignore[attr-defined]


def test_no_page_names_a_variable_it_does_not_have(
    marked_templates: None, alice: User, alice_client: Client
):
    seeded = seed_account(alice, lambda n: f"Text {n}", alice_client)
    responses = crawl(alice_client, start_urls(seeded))
    missing = {
        r.url: sorted({part.split("<")[0][:60] for part in r.body.split(MISSING)[1:]})
        for r in responses
        if MISSING in r.body and not resolve(r.url.split("?")[0]).func.__module__.startswith(THEIRS)
    }
    assert missing == {}


def test_no_link_on_any_page_is_malformed(alice: User, alice_client: Client):
    """`{% querystring %}` starts with its own "?": a link written "?{% querystring %}" came
    out as "??page=2", and the people list's Next always showed page 1."""
    seeded = seed_account(alice, lambda n: f"Text {n}", alice_client)
    hrefs = {
        href
        for r in crawl(alice_client, start_urls(seeded))
        for href in re.findall(r'(?:href|hx-get)="([^"]*)"', r.body)
    }
    assert len(hrefs) > 30
    assert [href for href in hrefs if "??" in href or "?&" in href] == []


def test_the_people_list_pages_forward(alice: User, alice_client: Client):
    PersonFactory.create_batch(60, owner=alice)
    first = alice_client.get(reverse("contacts:list")).text
    (next_link,) = re.findall(r'href="([^"]*after=\d+[^"]*)"', first)
    second = alice_client.get(reverse("contacts:list") + next_link.replace("&amp;", "&")).text
    assert "Back to the start" in second
    names = re.compile(r'<span class="who">\s*<strong>([^<]*)<')
    assert len(names.findall(first)) == 50
    assert set(names.findall(first)).isdisjoint(names.findall(second))
