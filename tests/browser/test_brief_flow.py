"""The brief of a busy person, in a real browser, in English and German: on a 360 by 780 px phone
the first screen holds the spark, the last conversation, the open follow-ups and the dates; the rest
follows below; and it still prints on one page."""

import re

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Person, PersonDate
from conversations.models import Story
from tests.browser.conftest import (
    SCREENSHOTS,
    log_in,
    screenshot,
    serious_accessibility_violations,
)
from tests.dates import TODAY, days_ago
from tests.factories import (
    ChannelFactory,
    ConnectionFactory,
    ConversationFactory,
    FavourFactory,
    PersonDateFactory,
    PersonFactory,
)

FIRST = ["brief-spark", "brief-last-talk", "brief-follow-ups", "brief-dates"]
LONG = (
    "She told me about the year she spent rebuilding an old sailing boat with her father, "
    "and how they nearly sank it twice on the lake before it was ready for the sea."
)


def busy(user: User) -> Person:
    """Someone with a lot of history: long stories, every follow-up and date the brief shows."""
    helga = PersonFactory(
        owner=user,
        name="Helga Brandt",
        is_knot=True,
        role="Head of research",
        organisation="Acme Robotics",
        city="Lisbon",
        met_on=days_ago(900),
        spark="Her brooch shaped like a tiny lighthouse, and the way she laughed at her own "
        "joke about it before she had finished telling it.",
    )
    for n in range(4):
        talk = ConversationFactory(
            owner=user, people=[helga], place=f"Climbing festival {n}", happened_on=days_ago(10 + n)
        )
        for _story in range(4):
            Story.objects.create(owner=user, conversation=talk, person=helga, text=LONG)
    for n in range(6):
        Story.objects.create(
            owner=user, conversation=talk, person=helga, text=LONG, ask_on=days_ago(-n - 1)
        )
    PersonDateFactory(person=helga, month=TODAY.month, day=min(TODAY.day + 3, 28), year=1965)
    PersonDateFactory(person=helga, kind=PersonDate.Kind.ANNIVERSARY, month=2, day=29)
    PersonDateFactory(
        person=helga, kind=PersonDate.Kind.OTHER, label="Moved to Lisbon", month=6, day=1
    )
    for n in range(6):
        FavourFactory(person=helga, what=f"An introduction to her editor, number {n}")
    for n in range(8):
        ConnectionFactory(person_a=helga, person_b=PersonFactory(owner=user, name=f"Friend {n}"))
    for n in range(3):
        ChannelFactory(person=helga, value=f"helga{n}@example.org")
    return helga


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_first_screen_holds_what_matters_before_meeting(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    User.objects.filter(pk=alice.pk).update(language=language)
    helga = busy(alice)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/{helga.pk}/brief/")

    screenshot(page, f"brief-busy-{language}")

    # What matters in the minute before: each part whole within the first screen, on a phone
    # above the tab bar at its foot.
    screen = page.viewport_size["height"]  # type: ignore[index]
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        screen = min(screen, page.evaluate("document.querySelector('.tabs').offsetTop"))
    for part in FIRST:
        section = page.locator(f"section[aria-labelledby='{part}']")
        box = section.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= screen, part
    # The rest is still there, below on a phone.
    for part in ("brief-met", "brief-favours", "brief-in-common", "brief-reach", "brief-talks"):
        assert page.locator(f"#{part}").count() == 1
    assert serious_accessibility_violations(page) == []

    # On paper: one page.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=SCREENSHOTS / f"brief-busy-print-{language}.png", full_page=True)
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
