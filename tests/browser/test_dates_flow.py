"""Dates in a real browser, in English and German, on a phone and a desktop: add a birthday on
a person's page, see it as this week's reason on the home page, in the digest preview and on
the upcoming page, and turn on the calendar feed."""

import datetime
import re

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from calendars.models import CalendarFeed
from contacts.models import PersonDate
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.factories import PersonFactory

WORDS = {
    "en": {
        "add": "Add a date",
        "day": "Day",
        "month": "Month",
        "year": "Year",
        "save": "Save date",
        "turns": "Helga Brandt turns 61 on {weekday}.",
        "impossible": "April has only 30 days.",
        "all dates": "All dates of the next two months",
        "turn on": "Turn on the calendar feed",
    },
    "de": {
        "add": "Datum hinzufügen",
        "day": "Tag",
        "month": "Monat",
        "year": "Jahr",
        "save": "Datum speichern",
        "turns": "Helga Brandt wird am {weekday} 61.",
        "impossible": "Der April hat nur 30 Tage.",
        "all dates": "Alle Daten der nächsten zwei Monate",
        "turn on": "Kalender-Abo einschalten",
    },
}


@pytest.mark.parametrize("language", WORDS)
def test_a_birthday_added_on_a_phone_is_this_weeks_reason(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    helga = PersonFactory(owner=alice, name="Helga Brandt", met_on=None)
    birthday = timezone.localdate() + datetime.timedelta(days=3)
    # The upcoming page groups by calendar week: from Friday on, three days ahead is next week.
    same_week = birthday.isocalendar()[:2] == timezone.localdate().isocalendar()[:2]
    with translation.override(language):
        weekday = formats.date_format(birthday, "l")
        week = gettext("This week") if same_week else gettext("Next week")
    turns = words["turns"].format(weekday=weekday)
    log_in(page, live_server, alice)

    page.goto(f"{live_server.url}{helga.get_absolute_url()}")
    page.get_by_role("link", name=words["add"]).click()
    form = page.locator("form.date-form")
    # An impossible date is refused beside its field, with what was typed kept.
    form.get_by_label(words["day"], exact=True).select_option("31")
    form.get_by_label(words["month"], exact=True).select_option("4")
    form.get_by_label(re.compile("^" + words["year"])).fill(str(birthday.year - 61))
    form.get_by_role("button", name=words["save"]).click()
    expect(page.locator("form.date-form .errors")).to_contain_text(words["impossible"])
    expect(
        page.locator("form.date-form").get_by_label(re.compile("^" + words["year"]))
    ).to_have_value(str(birthday.year - 61))
    form = page.locator("form.date-form")
    form.get_by_label(words["day"], exact=True).select_option(str(birthday.day))
    form.get_by_label(words["month"], exact=True).select_option(str(birthday.month))
    form.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#dates")).to_contain_text(turns)
    assert PersonDate.objects.filter(person=helga).count() == 1
    screenshot(page, f"dates-person-{language}")

    page.goto(f"{live_server.url}/")
    expect(page.locator("#reach-out")).to_contain_text(turns)
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"dates-home-{language}")

    page.goto(f"{live_server.url}/digest/preview/")
    expect(page.locator("pre.email-text")).to_contain_text(turns, use_inner_text=False)
    frame = page.frame_locator("iframe.email-preview")
    expect(frame.locator("body")).to_contain_text(turns)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=words["all dates"]).click()
    expect(page.get_by_role("heading", name=week)).to_be_visible()
    expect(page.locator("main")).to_contain_text(turns)
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"dates-upcoming-{language}")

    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name=words["turn on"]).click()
    feed = CalendarFeed.objects.get(owner=alice)
    expect(page.locator("#feed-url")).to_have_value(re.compile(re.escape(feed.token) + r"\.ics$"))
    screenshot(page, f"dates-calendar-{language}")
