"""Every page renders every variable its template names: a field missing from its form, or a
misspelt name, shows as a marker that this walk of every page fails on."""

import copy

import pytest
from django.test import Client
from django.urls import resolve

from accounts.models import User
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
