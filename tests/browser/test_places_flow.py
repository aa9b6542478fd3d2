"""Places in a real browser, in English and German, on a phone and a desktop: travelling to
"Munich" finds the friend who wrote "München" and the one in Augsburg nearby, with how far;
the towns are offered back as most people write them; and the search boxes look like every
other field."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from relationships.models import Muscle
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.dates import days_ago
from tests.factories import PersonFactory

WORDS = {
    "en": {
        "travelling to": "Travelling to",
        "in munich": "3 people in Munich",
        "nearby": "2 people nearby",
        "where": "Where your people live",
    },
    "de": {
        "travelling to": "Unterwegs nach",
        "in munich": "3 Personen in Munich",
        "nearby": "2 Personen in der Nähe",
        "where": "Wo deine Menschen wohnen",
    },
}


def search_box_decorations(page: Page, selector: str) -> list[str]:
    """How the browser draws the box's clear button and suggestion arrow ("none": not at all,
    unless the page styles them)."""
    return page.eval_on_selector(  # type: ignore[no-any-return]
        selector,
        """input => ['::-webkit-search-cancel-button', '::-webkit-calendar-picker-indicator']
            .map(pseudo => getComputedStyle(input, pseudo).appearance)""",
    )


@pytest.mark.parametrize("language", WORDS)
def test_travelling_to_munich_finds_munchen_and_augsburg_nearby(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    for name, city, circle, strength in [
        ("Helga Brandt", "München", "inner", 70),
        ("Giulia Rossi", "Monaco di Baviera", "close", 50),
        ("Anna Schmid", "München", "wider", 60),
        ("Jonas Weber", "Augsburg", "inner", 80),
        ("Priya Nair", "Freising", "wider", 30),
        ("Tom Fletcher", "Nürnberg", "inner", 90),
    ]:
        person = PersonFactory(owner=alice, name=name, city=city, circle=circle, role="")
        Muscle.objects.filter(person=person).update(strength=strength, last_contact_on=days_ago(40))
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/travelling/")
    expect(page.get_by_role("heading", name=words["where"])).to_be_visible()
    # München and Monaco di Baviera are one town, written as most of its people write it.
    expect(page.locator(".cities a").first).to_have_text("München 3")
    screenshot(page, f"places-cities-{language}")

    box = page.get_by_label(words["travelling to"])
    box.fill("Munich")
    expect(page.get_by_role("heading", name=words["in munich"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["nearby"])).to_be_visible()
    names = page.locator("#travelling-results .who strong").all_inner_texts()
    assert names == ["Helga Brandt", "Giulia Rossi", "Anna Schmid", "Priya Nair", "Jonas Weber"]
    distances = page.locator("#travelling-results .distance").all_inner_texts()
    assert distances == ["Freising, 32 km", "Augsburg, 56 km"]
    assert search_box_decorations(page, "input[name=city]") == ["none", "none"]
    box.focus()
    screenshot(page, f"places-travelling-munich-{language}")
    assert serious_accessibility_violations(page) == []

    # Typing a town on someone's page offers it back as it is written.
    page.goto(f"{live_server.url}/people/new/")
    page.locator("input[name=city]").press_sequentially("munch")
    expect(page.locator("#city-suggestions option")).to_have_attribute("value", "München")
