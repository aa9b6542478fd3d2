"""The mark of someone you want to meet, as a browser draws it on the people list and in
search, on a phone and a desktop, in English and German."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.factories import PersonFactory

WORDS = {"en": "want to meet", "de": "möchte ich kennenlernen"}


@pytest.mark.parametrize("language", WORDS)
def test_the_people_you_want_to_meet_are_marked(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    User.objects.filter(pk=alice.pk).update(language=language)
    PersonFactory(owner=alice, name="Ilse Quartermain", status="want_to_meet", is_knot=True)
    PersonFactory(owner=alice, name="Jonas Quartermain", city="Lisbon")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/")
    ilse = page.locator("ul.people li").filter(has_text="Ilse Quartermain")
    expect(ilse.locator(".badge.to-meet")).to_have_text(WORDS[language])
    jonas = page.locator("ul.people li").filter(has_text="Jonas Quartermain")
    expect(jonas.locator(".badge.to-meet")).to_have_count(0)
    screenshot(page, f"people-marks-{language}")
    assert serious_accessibility_violations(page) == []
