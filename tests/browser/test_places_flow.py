"""Places in a real browser, in English and German, on a phone and a desktop: travelling to
"Munich" finds the friend who wrote "München" and the one in Augsburg nearby, with how far;
the towns are offered back as most people write them; and the search boxes look like every
other field."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect
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


def drawn_at_the_end(box: Locator) -> int:
    """How many colours the end of a box shows, where a browser draws its own clear button and
    suggestion arrow: 1 when nothing is drawn there but the field's background."""
    image = Image.open(io.BytesIO(box.screenshot())).convert("RGB")
    width, height = image.size
    end = image.crop((width - 48, 4, width - 4, height - 4))
    return len(end.getcolors(maxcolors=end.width * end.height) or [])


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
    box.focus()
    screenshot(page, f"places-travelling-munich-{language}")
    assert serious_accessibility_violations(page) == []

    # With suggestions in its list, the box still draws neither a clear button nor an arrow.
    box.fill("Mün")
    expect(page.locator("#city-suggestions option")).to_have_attribute("value", "München")
    box.hover()
    assert drawn_at_the_end(box) == 1
    screenshot(page, f"places-travelling-typing-{language}")

    # Typing a town on someone's page offers it back as it is written.
    page.goto(f"{live_server.url}/people/new/")
    page.locator("input[name=city]").press_sequentially("munch")
    expect(page.locator("#city-suggestions option")).to_have_attribute("value", "München")
