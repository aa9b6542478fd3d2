"""The private calendar feed: what it holds, as a calendar parser reads it, and who may read it."""

import datetime

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
