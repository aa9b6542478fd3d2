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
from contacts.models import Person, PersonDate
from relationships.services.muscles import muscles_recompute
from tests.browser.conftest import (
    VIEWPORTS,
    log_in,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories import PersonDateFactory, PersonFactory

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
        "row": "Helga Brandt Birthday · turns 61",
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
        "row": "Helga Brandt Geburtstag · wird 61",
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
    expect(page.locator(".upcoming-list li")).to_contain_text(words["row"])
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"dates-upcoming-{language}")

    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name=words["turn on"]).click()
    feed = CalendarFeed.objects.get(owner=alice)
    expect(page.locator("#feed-url")).to_have_value(re.compile(re.escape(feed.token) + r"\.ics$"))
    screenshot(page, f"dates-calendar-{language}")


# What the new flows read and type, in each language.
FLOWS = {
    "en": {
        "add": "Add a date",
        "anniversary": "Anniversary",
        "other": "Other date",
        "what": "What it is",
        "every year": "Every year",
        "save": "Save date",
        "label needed": "Say what the date is, like “moved to Lisbon”.",
        "year": "Please enter a year from 1900 on, like 1971.",
        "more": "Birthday, a favour, how to reach them",
        "coming up": "Coming up: Tom Weber",
        "copy": "Copy",
        "copied": "Copied",
        "subscribe": "Subscribe on this device",
    },
    "de": {
        "add": "Datum hinzufügen",
        "anniversary": "Jahrestag",
        "other": "Anderes Datum",
        "what": "Was es ist",
        "every year": "Jedes Jahr",
        "save": "Datum speichern",
        "label needed": "Schreib, was das Datum ist, z. B. „nach Lissabon gezogen“.",
        "year": "Bitte gib ein Jahr ab 1900 ein, z. B. 1971.",
        "more": "Geburtstag, ein Gefallen, wie du sie erreichst",
        "coming up": "Demnächst: Tom Weber",
        "copy": "Kopieren",
        "copied": "Kopiert",
        "subscribe": "Auf diesem Gerät abonnieren",
    },
}

# For the day, month and year boxes of a date: every label on one line, whole; boxes side by
# side start at one height; the day box is wide enough for "31" and its arrow; nothing sticks
# out of the form, in the narrow column of a person's page too.
PARTS_LINE_UP = """(parts) => {
  const problems = [];
  const boxes = [...parts.querySelectorAll("select, input")].map((box) =>
    box.getBoundingClientRect());
  for (const label of parts.querySelectorAll("label")) {
    if (label.scrollWidth > label.clientWidth + 1) problems.push(`cut: ${label.textContent}`);
    const line = 1.6 * parseFloat(getComputedStyle(label).fontSize);
    const height = label.getBoundingClientRect().height;
    if (height > 1.6 * line) problems.push(`wraps: ${label.textContent}`);
  }
  for (const a of boxes) for (const b of boxes) {
    const beside = a.top < b.bottom && b.top < a.bottom;
    if (beside && Math.abs(a.top - b.top) > 1) problems.push(`not level: ${a.top} ${b.top}`);
  }
  if (boxes[0].width < 88) problems.push(`day box ${boxes[0].width} px`);
  const edge = parts.getBoundingClientRect().right;
  for (const part of parts.children) {
    const right = part.getBoundingClientRect().right;
    if (right > edge + 1) problems.push(`sticks out: ${part.textContent}`);
  }
  return problems;
}"""

# A heading (legend) of a box that sits inside it, not across its border.
LEGEND_INSIDE = """(box) => {
  const legend = box.querySelector("legend").getBoundingClientRect();
  const edge = box.getBoundingClientRect().top + parseFloat(getComputedStyle(box).borderTopWidth);
  return legend.top >= edge;
}"""


@pytest.mark.parametrize("language", FLOWS)
def test_each_kind_of_date_asks_for_what_it_needs_and_keeps_it(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = FLOWS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    tom = PersonFactory(owner=alice, name="Tom Weber", met_on=None)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{tom.get_absolute_url()}")
    page.get_by_role("link", name=words["add"]).click()
    form = page.locator("form.date-form")
    # A birthday: no label, and it always comes round, so "Every year" is not offered.
    expect(form.get_by_label(words["every year"])).to_have_count(0)
    expect(form.get_by_label(words["what"])).to_have_count(0)
    assert form.locator(".date-parts").evaluate(PARTS_LINE_UP) == []
    screenshot(page, f"dates-form-birthday-{language}")

    # Another date: "What it is" is needed, and not marked optional.
    form.get_by_label(words["other"]).check()
    label = page.locator("form.date-form").get_by_text(words["what"], exact=True)
    expect(label).to_be_visible()
    expect(page.locator("form.date-form label[for=id_label] .optional")).to_have_count(0)
    form = page.locator("form.date-form")
    form.locator("select[name=day]").select_option("12")
    form.locator("select[name=month]").select_option("6")
    form.locator("input[name=year]").fill("0")
    form.get_by_role("button", name=words["save"]).click()
    errors = page.locator("form.date-form .errors")
    expect(errors.first).to_be_visible()
    expect(page.locator("#id_label_error")).to_have_text(words["label needed"])
    expect(page.locator("#id_year_error")).to_have_text(words["year"])
    assert page.locator("form.date-form .date-parts").evaluate(PARTS_LINE_UP) == []
    screenshot(page, f"dates-form-refused-{language}")

    # An anniversary, with its label: kept, and shown.
    form = page.locator("form.date-form")
    form.get_by_label(words["anniversary"]).check()
    expect(form.locator("label[for=id_label] .optional")).to_be_visible()  # drawn for it
    expect(form.locator("select[name=day]")).to_have_value("12")  # what was typed stays
    form.locator("input[name=label]").fill("Wedding anniversary with Max")
    form.locator("input[name=year]").fill("2015")
    assert form.locator(".date-parts").evaluate(PARTS_LINE_UP) == []
    screenshot(page, f"dates-form-anniversary-{language}")
    form.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#dates")).to_contain_text("Wedding anniversary with Max")
    screenshot(page, f"dates-anniversary-kept-{language}")
    (kept,) = PersonDate.objects.filter(person=tom)
    assert (kept.kind, kept.label, kept.year) == (
        "anniversary",
        "Wedding anniversary with Max",
        2015,
    )
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("language", FLOWS)
def test_a_birthday_in_capture_and_on_the_person_form_lines_up(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = FLOWS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/capture/")
    page.get_by_text(words["more"]).click()
    birthday = page.locator("fieldset.birthday")
    assert birthday.evaluate(LEGEND_INSIDE)
    assert birthday.locator(".date-parts").evaluate(PARTS_LINE_UP) == []
    screenshot(page, f"dates-capture-birthday-{language}")

    page.goto(f"{live_server.url}/people/new/")
    page.locator("#id_name").fill("Helga Brandt")
    birthday = page.locator("fieldset.birthday")
    assert birthday.evaluate(LEGEND_INSIDE)
    assert birthday.locator(".date-parts").evaluate(PARTS_LINE_UP) == []
    birthday.locator("select[name=birthday_day]").select_option("15")
    birthday.locator("select[name=birthday_month]").select_option("3")
    birthday.locator("input[name=birthday_year]").fill("1965")
    screenshot(page, f"dates-person-form-birthday-{language}")
    page.locator("form.person-form button[type=submit].primary").click()
    expect(page.locator("#dates")).to_contain_text("1965")
    helga = Person.objects.get(owner=alice)
    assert [(d.kind, d.month, d.day, d.year) for d in helga.dates.all()] == [
        ("birthday", 3, 15, 1965)
    ]


@pytest.mark.parametrize("language", FLOWS)
def test_coming_up_on_the_home_page_and_its_page(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = FLOWS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=400)
    for i in range(5):
        PersonFactory(owner=alice, name=f"Quiet Person {i}", met_on=long_ago, circle="inner")
    for i, name in enumerate(["Tom Weber", "Lena Fischer", "Max Mustermann", "Yuki Sato"]):
        on = today + datetime.timedelta(days=10 + 9 * i)
        person = PersonFactory(owner=alice, name=name, met_on=today - datetime.timedelta(days=5))
        PersonDateFactory(person=person, month=on.month, day=on.day, year=1980 + i)
    muscles_recompute(user_ids=[alice.pk])
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/")
    line = page.locator(".coming-up-line")
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        # Near the top, before the first card: not 3,800 px down after all five.
        expect(line).to_be_visible()
        expect(line).to_contain_text(words["coming up"])
        assert line.bounding_box()["y"] < page.locator(".reach").first.bounding_box()["y"]
        assert line.bounding_box()["y"] < VIEWPORTS["phone"]["height"]
    else:  # the desktop shows "Coming up" beside the cards
        expect(line).to_be_hidden()
        expect(page.locator("#coming-up-title")).to_be_in_viewport()
    screenshot(page, f"dates-home-coming-up-{language}")

    page.goto(f"{live_server.url}/upcoming/")
    weeks = page.locator(".upcoming-week")
    expect(weeks).to_have_count(4)
    tops = {round(box["y"]) for box in (w.bounding_box() for w in weeks.all())}
    # Side by side on a desktop, one under the other on a phone.
    assert len(tops) < 4 if page.viewport_name == "desktop" else len(tops) == 4  # type: ignore[attr-defined]
    row = page.locator(".upcoming-list li").first
    expect(row.locator(".who")).to_have_text("Tom Weber")
    assert row.inner_text().count("Tom Weber") == 1
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"dates-upcoming-weeks-{language}")


@pytest.mark.parametrize("language", FLOWS)
def test_the_feed_address_is_copied_subscribed_or_scanned(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = FLOWS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    feed = CalendarFeed.objects.create(owner=alice)
    log_in(page, live_server, alice)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name=words["copy"]).click()
    expect(page.locator(".copy-status")).to_have_text(words["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == feed.url
    expect(page.get_by_role("link", name=words["subscribe"])).to_have_attribute(
        "href", feed.webcal_url
    )
    qr = page.locator(".feed-qr svg")
    if page.viewport_name == "desktop":  # type: ignore[attr-defined]
        expect(qr).to_be_visible()  # for the phone's camera
    else:
        expect(qr).to_be_hidden()  # on the phone itself, the link is the one tap
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"dates-calendar-copy-{language}")

    # Without the script: no button that does nothing, and the address is text to select.
    context = page.context.browser.new_context(java_script_enabled=False)
    try:
        bare = context.new_page()
        log_in(bare, live_server, alice)
        bare.goto(f"{live_server.url}/calendar/")
        expect(bare.get_by_role("button", name=words["copy"])).to_be_hidden()
        expect(bare.locator("#feed-url")).to_have_value(feed.url)
    finally:
        context.close()
