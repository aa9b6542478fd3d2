"""The private calendar feed: what it holds, as a calendar parser reads it, and who may read it."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import User
from calendars.models import CalendarFeed
from tests.dates import NOW, TODAY
from tests.factories import (
    ConversationFactory,
    PersonDateFactory,
    PersonFactory,
    StoryFactory,
)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def events(client: Client, feed: CalendarFeed) -> dict[str, object]:
    response = client.get(reverse("calendars:feed", args=[feed.pk, feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_dates_yearly_and_follow_ups_on_their_day(alice: User):
    feed = CalendarFeed.objects.create(owner=alice)
    helga = PersonFactory(owner=alice, name="Helga")
    tom = PersonFactory(owner=alice, name="Tom")
    birthday = PersonDateFactory(person=helga, month=3, day=15, year=1965)
    PersonDateFactory(person=tom, month=2, day=29)  # a year-less 29 February
    PersonDateFactory(
        person=tom, kind="other", label="starts at Acme", month=12, day=1, year=2026, repeats=False
    )
    story = StoryFactory(
        owner=alice,
        person=helga,
        conversation=ConversationFactory(owner=alice, people=[helga]),
        text="Her operation in December",
        ask_on=TODAY + datetime.timedelta(days=10),
    )
    PersonDateFactory(person=PersonFactory(owner=alice, archived=True, name="Gone"))
    PersonDateFactory(person=PersonFactory(name="Someone else's"))

    found = events(Client(), feed)

    assert set(found) == {
        "Helga's birthday",
        "Helga turns 60",
        "Helga turns 61",
        "Helga turns 62",
        "Helga turns 63",
        "Tom's birthday",
        "Tom: starts at Acme",
        "Ask Helga how it went",
    }
    helga_event = found["Helga's birthday"]
    assert helga_event["uid"] == f"date-{birthday.pk}@localhost"
    assert helga_event["dtstart"].dt == datetime.date(1965, 3, 15)
    assert helga_event["dtend"].dt == datetime.date(1965, 3, 16)
    assert helga_event["dtstart"].params["VALUE"] == "DATE"
    assert helga_event["rrule"]["FREQ"] == ["YEARLY"]
    assert "dtstamp" in helga_event
    # This year's, last year's and the next two say the age: each overrides one day of the
    # series (RECURRENCE-ID), as calendar apps read it.
    this_year = found["Helga turns 61"]
    assert this_year["uid"] == helga_event["uid"]
    assert this_year["recurrence-id"].dt == this_year["dtstart"].dt == datetime.date(2026, 3, 15)
    assert "rrule" not in this_year
    assert found["Helga turns 63"]["dtstart"].dt == datetime.date(2028, 3, 15)
    # Each event links back to the person's page.
    assert str(helga_event["url"]) == f"http://localhost:8000{helga.get_absolute_url()}"
    assert str(found["Ask Helga how it went"]["url"]) == str(helga_event["url"])
    leap = found["Tom's birthday"]
    assert leap["dtstart"].dt == datetime.date(2000, 2, 29)
    assert leap["rrule"]["BYMONTHDAY"] == [-1]  # the last day of February: the 28th in 2027
    once = found["Tom: starts at Acme"]
    assert once["dtstart"].dt == datetime.date(2026, 12, 1)
    assert "rrule" not in once
    follow_up = found["Ask Helga how it went"]
    assert follow_up["uid"] == f"follow-up-{story.pk}@localhost"
    assert follow_up["dtstart"].dt == story.ask_on
    assert "description" not in follow_up  # minimal by default: the address is the credential


def test_the_uids_stay_the_same_from_one_fetch_to_the_next(alice: User):
    feed = CalendarFeed.objects.create(owner=alice)
    PersonDateFactory(person=PersonFactory(owner=alice, name="Helga"))
    first = events(Client(), feed)["Helga's birthday"]["uid"]
    assert events(Client(), feed)["Helga's birthday"]["uid"] == first


def test_stories_come_along_only_when_chosen(alice: User, alice_client: Client):
    feed = CalendarFeed.objects.create(owner=alice)
    helga = PersonFactory(owner=alice, name="Helga")
    StoryFactory(
        owner=alice,
        person=helga,
        conversation=ConversationFactory(owner=alice, people=[helga]),
        text="Her operation in December",
        ask_on=TODAY,
    )
    alice_client.post(reverse("calendars:change"), {"action": "save", "with_stories": "on"})
    found = events(Client(), feed)
    assert str(found["Ask Helga how it went"]["description"]) == "Her operation in December"


def test_the_feed_follows_the_users_language(alice: User):
    alice.language = "de"
    alice.save()
    feed = CalendarFeed.objects.create(owner=alice)
    PersonDateFactory(person=PersonFactory(owner=alice, name="Helga"))
    assert "Geburtstag von Helga" in events(Client(), feed)


def test_a_wrong_or_old_token_gets_404(alice: User, alice_client: Client):
    feed = CalendarFeed.objects.create(owner=alice)
    old = reverse("calendars:feed", args=[feed.pk, feed.token])
    client = Client()
    assert client.get(old).status_code == 200
    assert (
        client.get(reverse("calendars:feed", args=[feed.pk, "x" + feed.token[1:]])).status_code
        == 404
    )
    assert client.get(reverse("calendars:feed", args=[feed.pk + 1, feed.token])).status_code == 404

    alice_client.post(reverse("calendars:change"), {"action": "renew"})
    feed.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(reverse("calendars:feed", args=[feed.pk, feed.token])).status_code == 200

    alice_client.post(reverse("calendars:change"), {"action": "off"})
    assert client.get(reverse("calendars:feed", args=[feed.pk, feed.token])).status_code == 404


def test_the_feed_is_turned_on_once_and_shown_in_settings(alice: User, alice_client: Client):
    page = alice_client.get(reverse("accounts:preferences"))
    assert reverse("calendars:settings") in page.text
    alice_client.post(reverse("calendars:change"), {"action": "on"})
    alice_client.post(reverse("calendars:change"), {"action": "on"})
    feed = CalendarFeed.objects.get(owner=alice)
    shown = alice_client.get(reverse("calendars:settings"))
    assert feed.url in shown.text
    assert feed.token not in alice_client.get(reverse("home")).text


def test_turning_on_needs_a_post(alice_client: Client):
    assert alice_client.get(reverse("calendars:change")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_a_29_february_birthday_says_its_age_on_the_28th_in_other_years(alice: User):
    feed = CalendarFeed.objects.create(owner=alice)
    PersonDateFactory(person=PersonFactory(owner=alice, name="Tom"), month=2, day=29, year=1972)
    found = events(Client(), feed)
    assert found["Tom turns 55"]["recurrence-id"].dt == datetime.date(2027, 2, 28)
    assert found["Tom turns 56"]["recurrence-id"].dt == datetime.date(2028, 2, 29)


def test_labels_and_years_come_into_the_titles(alice: User):
    feed = CalendarFeed.objects.create(owner=alice)
    tom = PersonFactory(owner=alice, name="Tom")
    PersonDateFactory(person=tom, kind="anniversary", label="Wedding with Max", year=2016)
    PersonDateFactory(person=tom, kind="anniversary", month=6, day=1)
    PersonDateFactory(person=tom, kind="other", label="Moved to Lisbon", month=9, day=1, year=2024)
    found = events(Client(), feed)
    assert {"Tom: Wedding with Max", "Tom: Wedding with Max, 10 years"} <= found.keys()
    assert "Tom's anniversary" in found
    assert {"Tom: Moved to Lisbon", "Tom: Moved to Lisbon, 2 years"} <= found.keys()


def test_the_day_you_met_is_in_the_feed_only_when_chosen(alice: User, alice_client: Client):
    feed = CalendarFeed.objects.create(owner=alice)
    helga = PersonFactory(owner=alice, name="Helga", met_on=datetime.date(2016, 5, 4))
    PersonFactory(owner=alice, name="Tom", met_on=None)
    assert not any("met" in summary for summary in events(Client(), feed))

    alice_client.post(reverse("calendars:change"), {"action": "save", "with_met_days": "on"})
    found = events(Client(), feed)
    met = found["The day you met Helga"]
    assert met["dtstart"].dt == datetime.date(2016, 5, 4)
    assert met["rrule"]["FREQ"] == ["YEARLY"]
    assert str(met["url"]).endswith(helga.get_absolute_url())
    assert found["10 years since you met Helga"]["recurrence-id"].dt == datetime.date(2026, 5, 4)
    assert [s for s in found if "Tom" in s] == []


def test_the_settings_offer_the_address_to_copy_subscribe_and_scan(
    alice: User, alice_client: Client
):
    alice_client.post(reverse("calendars:change"), {"action": "on"})
    feed = CalendarFeed.objects.get(owner=alice)
    page = alice_client.get(reverse("calendars:settings")).text
    # The address stays selectable text; the script shows the copy button beside it.
    assert (
        f'<input id="feed-url" class="copy-value" type="text" value="{feed.url}" readonly' in page
    )
    assert 'data-copy="feed-url"' in page
    assert re.search(
        r'<button type="button" class="copy-button" data-copy="feed-url"[^>]* hidden>', page
    )
    webcal = feed.webcal_url
    assert webcal == f"webcal://localhost:8000/calendar/{feed.pk}/{feed.token}.ics"
    assert f'href="{webcal}"' in page
    qr = re.search(r'<div class="qr" role="img"[^>]*>(<\?xml[^>]*>)?\s*<svg.*?</svg>', page, re.S)
    assert qr
    assert "script" not in qr[0].lower()
