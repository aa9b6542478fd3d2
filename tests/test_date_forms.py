"""One way to show dates and times per language: each named form of common/dates.py in English
and German, and a scan that fails on any template or app module that formats a date for people
some other way (Django's `date` filter with a form of its own, `naturaltime`, `timesince`,
`formats.date_format`, `strftime`), and on any page that shows a date the way Django would."""

import datetime
import re
from pathlib import Path

import allauth
import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from common.dates import (
    day_month,
    day_phrase,
    full_date,
    moment,
    relative_date,
    short_day,
    week_name,
)
from tests.dates import NOW, TODAY, days_ago
from tests.walk import crawl, seed_account, start_urls

ROOT = Path(__file__).resolve().parents[1]
THE_ONE_PLACE = ROOT / "common" / "dates.py"
NOT_SHOWN = {"tests", "bench", ".venv", "node_modules"}

TUESDAY = datetime.date(2026, 12, 8)
MAY_DAY = datetime.date(2027, 5, 1)  # a Saturday; German writes "Mai" without a period

# Each form in each language: (English, German).
FORMS = {
    "full_date": (full_date, TUESDAY, "8 December 2026", "8. Dezember 2026"),
    "day_month": (day_month, TUESDAY, "8 December", "8. Dezember"),
    "short_day": (short_day, TUESDAY, "Tue 8 Dec", "Di., 8. Dez."),
    "short_day in May": (short_day, MAY_DAY, "Sat 1 May", "Sa., 1. Mai"),
    "day_phrase tomorrow": (
        lambda d: day_phrase(d, TODAY),
        TODAY + datetime.timedelta(days=1),
        "tomorrow",
        "morgen",
    ),
    "day_phrase this week": (
        lambda d: day_phrase(d, TODAY),
        datetime.date(2026, 11, 27),
        "on Friday",
        "am Freitag",
    ),
    "day_phrase later": (
        lambda d: day_phrase(d, TODAY),
        TUESDAY,
        "on 8 December",
        "am 8. Dezember",
    ),
    "day_phrase next year": (
        lambda d: day_phrase(d, TODAY),
        datetime.date(2027, 10, 28),
        "on 28 October 2027",
        "am 28. Oktober 2027",
    ),
    "week_name": (
        lambda d: week_name(d, TODAY),
        datetime.date(2026, 12, 7),
        "Week of 7 December",
        "Woche ab 7. Dezember",
    ),
    "relative_date today": (relative_date, TODAY, "today", "heute"),
    "relative_date yesterday": (relative_date, days_ago(1), "yesterday", "gestern"),
    "relative_date days": (relative_date, days_ago(3), "3 days ago", "vor 3 Tagen"),
    "relative_date weeks": (
        relative_date,
        days_ago(26),
        "3 weeks ago (28 October 2026)",
        "vor 3 Wochen (28. Oktober 2026)",
    ),
}

# A moment, seconds before NOW (12:00 UTC on Monday 23 November 2026).
MOMENTS = {
    "a few seconds": (20, "just now", "gerade eben"),
    "a clock a little ahead": (-5, "just now", "gerade eben"),
    "one minute": (60, "1 minute ago", "vor 1 Minute"),
    "minutes": (12 * 60, "12 minutes ago", "vor 12 Minuten"),
    "hours, the same day": (5 * 3600, "5 hours ago", "vor 5 Stunden"),
    "the day before": (13 * 3600, "yesterday", "gestern"),
    "days": (3 * 86400, "3 days ago", "vor 3 Tagen"),
    "weeks": (30 * 86400, "4 weeks ago (24 October 2026)", "vor 4 Wochen (24. Oktober 2026)"),
}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(("say", "value", "english", "german"), FORMS.values(), ids=FORMS)
def test_each_form_reads_naturally_in_both_languages(say, value, english, german):
    with translation.override("en"):
        assert say(value) == english
    with translation.override("de"):
        assert say(value) == german


@pytest.mark.parametrize(("seconds", "english", "german"), MOMENTS.values(), ids=MOMENTS)
def test_a_moment_is_said_as_people_say_it(seconds, english, german):
    when = NOW - datetime.timedelta(seconds=seconds)
    with translation.override("en"):
        assert moment(when) == english
    with translation.override("de"):
        assert moment(when) == german


def test_a_moment_is_a_day_in_the_users_own_time_zone():
    # 13 hours before noon UTC is 23:00 the day before in UTC, but 09:00 today in Tokyo.
    when = NOW - datetime.timedelta(hours=13)
    with translation.override("en"), timezone.override("Asia/Tokyo"):
        assert moment(when) == "13 hours ago"
        assert full_date(NOW - datetime.timedelta(hours=11)) == "23 November 2026"
    with translation.override("en"), timezone.override("Pacific/Pago_Pago"):
        assert full_date(NOW) == "23 November 2026"  # 01:00 there
        assert full_date(NOW - datetime.timedelta(hours=2)) == "22 November 2026"


def test_templates_name_the_same_forms():
    template = Template(
        "{% load humanize_dates %}{{ d|full_date }} · {{ d|day_month }} · {{ d|short_day }}"
        " · {{ t|moment }}"
    )
    context = Context({"d": TUESDAY, "t": NOW - datetime.timedelta(seconds=5)})
    with translation.override("en"):
        assert template.render(context) == "8 December 2026 · 8 December · Tue 8 Dec · just now"
    with translation.override("de"):
        assert template.render(context) == (
            "8. Dezember 2026 · 8. Dezember · Di., 8. Dez. · gerade eben"
        )


# Ways to format a date for people other than through common/dates.py. The `date` filter may
# still write the machine's forms, ISO days in `datetime` attributes ('Y-m-d') and moments ('c').
IN_TEMPLATES = re.compile(
    r"""\|\s*date\b(?!\s*:\s*(['"])(?:Y-m-d|c)\1)"""
    r"|\|\s*time\b"
    r"|\b(?:naturaltime|naturalday|timesince|timeuntil)\b"
    r"|\{%\s*now\b"
    r"|\{%\s*load\b[^%]*\bhumanize\b"
)
IN_PYTHON = re.compile(
    r"\b(?:date_format|time_format|get_format|dateformat|strftime|naturaltime|naturalday"
    r"|timesince|timeuntil)\b"
)


def shown_files(suffixes: set[str]) -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.suffix in suffixes
        and not NOT_SHOWN.intersection(path.relative_to(ROOT).parts)
        and "migrations" not in path.parts
    )


def test_templates_show_dates_only_through_the_named_forms():
    templates = shown_files({".html", ".txt"})
    assert ROOT / "templates" / "digest" / "email-body.txt" in templates
    found = {
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}": match[0]
        for path in templates
        for text in [path.read_text()]
        for match in IN_TEMPLATES.finditer(text)
    }
    assert found == {}


def test_app_modules_show_dates_only_through_the_named_forms():
    modules = [path for path in shown_files({".py"}) if path != THE_ONE_PLACE]
    assert ROOT / "contacts" / "models.py" in modules
    found = {
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}": match[0]
        for path in modules
        for text in [path.read_text()]
        for match in IN_PYTHON.finditer(text)
    }
    assert found == {}


# allauth's pages that format a date their own way and are never shown here, with why.
NEVER_SHOWN = {"mfa/trust.html": lambda: not mfa_settings.TRUST_ENABLED}


def test_allauths_pages_that_show_a_date_are_knotworks_own():
    """An allauth page that writes a date or a moment its own way is overridden in templates/,
    so a page a new allauth adds, or a feature switched on, fails here until it is."""
    theirs = Path(allauth.__file__).parent
    found = {
        str(path.relative_to(folder))
        for folder in theirs.glob("**/templates")
        for path in folder.rglob("*.*")
        if path.suffix in {".html", ".txt"} and IN_TEMPLATES.search(path.read_text())
    }
    assert "mfa/webauthn/authenticator_list.html" in found
    assert all(never_shown() for never_shown in NEVER_SHOWN.values())
    assert {
        name for name in found - NEVER_SHOWN.keys() if not (ROOT / "templates" / name).exists()
    } == set()


def test_the_scans_catch_what_they_are_for():
    assert IN_TEMPLATES.search('{{ occurrence.on|date:"D j M" }}')
    assert IN_TEMPLATES.search("{{ day|date }}")
    assert IN_TEMPLATES.search("{{ token.last_used_at|timesince }}")
    assert IN_TEMPLATES.search("{% load i18n humanize %}")
    assert not IN_TEMPLATES.search("""<time datetime="{{ day|date:'Y-m-d' }}">""")
    assert not IN_TEMPLATES.search("{% load i18n humanize_dates %}{{ day|full_date }}")
    assert IN_PYTHON.search('formats.date_format(due, "DATE_FORMAT")')
    assert not IN_PYTHON.search("value.isoformat()")


# How Django would have written a date or a moment: a month before its day ("Oct. 28, 2026",
# "December 18"), a numeric day ("11/23/2026"), and humanize's no-break spaces ("5 hours ago").
DJANGOS_OWN = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.) \d{1,2}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b"
    r"|\d\xa0(?:seconds?|minutes?|hours?|days?|weeks?|Sekunden?|Minuten?|Stunden?|Tagen?)"
)


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_page_shows_a_date_the_way_django_would(alice: User, alice_client: Client, language):
    alice.language = language
    alice.save()
    seeded = seed_account(alice, lambda n: f"Text {n}", alice_client)
    responses = crawl(alice_client, start_urls(seeded))
    assert len(responses) > 50
    found = {r.url: DJANGOS_OWN.findall(r.body) for r in responses if DJANGOS_OWN.search(r.body)}
    assert found == {}
