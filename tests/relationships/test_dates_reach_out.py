"""Dates as reasons: on this week's list, ranked between the knots quiet far too long and the
ordinary quiet, never twice, within the cap; and the upcoming page."""

import datetime
import html
import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from conversations.models import Touch
from relationships.services.muscles import muscles_recompute
from relationships.services.reach_out import reach_out
from tests.dates import NOW, TODAY, days_ago
from tests.factories import ConversationFactory, PersonDateFactory, PersonFactory, StoryFactory

FRIDAY = datetime.date(2026, 11, 27)  # TODAY is Monday 23 November 2026


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def known(owner: User, name: str, days: int = 10, **fields: object) -> Person:
    """Someone you met `days` ago: quiet once that is past their rhythm."""
    return PersonFactory(owner=owner, name=name, met_on=days_ago(days), **fields)


def test_a_birthday_this_week_is_the_reason_with_a_starter(alice: User):
    helga = known(alice, "Helga", circle="inner")
    PersonDateFactory(person=helga, month=11, day=27, year=1965)
    StoryFactory(
        owner=alice,
        person=helga,
        conversation=ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(5)),
        text="She is writing a book on crossing the Alps.",
    )
    muscles_recompute(user_ids=[alice.pk])
    (entry,) = reach_out(user=alice).people
    assert entry.person == helga
    assert entry.reason() == "Helga turns 61 on Friday."
    assert entry.starter() == (
        "Last time Helga told you: “She is writing a book on crossing the Alps.” "
        "Ask how that is going."
    )


def test_dates_rank_by_closeness_between_far_too_quiet_knots_and_the_quiet(alice: User):
    alice.reach_out_size = 4
    alice.save()
    knot = known(alice, "Knot far too quiet", days=200, circle="inner", is_knot=True)
    quiet_knot = known(alice, "Knot a bit quiet", days=30, circle="inner", is_knot=True)
    for i in range(3):
        known(alice, f"Quiet {i}", days=200, circle="acquaintance")
    friday = known(alice, "Friday")
    PersonDateFactory(person=friday, month=11, day=27)
    tomorrow = known(alice, "Tomorrow")
    PersonDateFactory(person=tomorrow, kind="anniversary", month=11, day=24, year=2016)
    PersonDateFactory(person=known(alice, "Next month"), month=12, day=20)
    muscles_recompute(user_ids=[alice.pk])

    page = reach_out(user=alice)
    assert [e.person.name for e in page.people] == [
        "Knot far too quiet",
        "Tomorrow",
        "Friday",
        "Knot a bit quiet",
    ]
    assert page.people[0].person == knot
    assert page.people[3].person == quiet_knot
    assert page.people[1].reason() == "Tomorrow's anniversary: 10 years tomorrow."
    assert [o.person.name for o in page.coming_up] == ["Next month"]


def test_a_quiet_person_with_a_birthday_is_listed_once_with_both_reasons(alice: User):
    helga = known(alice, "Helga", days=60, circle="inner")
    PersonDateFactory(person=helga, month=11, day=24)
    PersonDateFactory(person=helga, kind="other", label="Moved to Lisbon", month=11, day=26)
    muscles_recompute(user_ids=[alice.pk])
    (entry,) = reach_out(user=alice).people
    assert entry.reason().startswith("Helga's birthday is tomorrow. You met")
    assert entry.reason().endswith("You meant to be in touch every 3 weeks.")


def test_caught_up_takes_a_date_off_the_list(alice: User, alice_client: Client):
    helga = known(alice, "Helga", days=300)
    PersonDateFactory(person=helga, month=11, day=27)
    muscles_recompute(user_ids=[alice.pk])
    assert [e.person for e in reach_out(user=alice).people] == [helga]
    alice_client.post(reverse("relationships:caught_up", args=[helga.pk]))
    assert Touch.objects.filter(person=helga).exists()
    muscles_recompute(user_ids=[alice.pk])  # the request does it on commit, which tests skip
    assert reach_out(user=alice).people == []


def test_someone_added_today_shows_with_their_birthday(alice: User):
    helga = PersonFactory(owner=alice, name="Helga", met_on=TODAY)
    PersonDateFactory(person=helga, month=11, day=25)
    muscles_recompute(user_ids=[alice.pk])
    assert [e.reason() for e in reach_out(user=alice).people] == [
        "Helga's birthday is on Wednesday."
    ]


def test_archived_snoozed_and_want_to_meet_people_are_left_out(alice: User):
    for name, fields in {
        "archived": {"archived": True},
        "snoozed": {},
        "wanted": {"status": "want_to_meet"},
    }.items():
        PersonDateFactory(person=known(alice, name, **fields), month=11, day=25)
    muscles_recompute(user_ids=[alice.pk])
    snoozed = Person.objects.get(name="snoozed")
    snoozed.muscle.snoozed_until = TODAY + datetime.timedelta(days=6)
    snoozed.muscle.save()
    assert reach_out(user=alice).people == []


def test_the_list_stays_capped(alice: User):
    for i in range(8):
        PersonDateFactory(person=known(alice, f"Birthday {i}"), month=11, day=24 + i % 3)
    muscles_recompute(user_ids=[alice.pk])
    page = reach_out(user=alice)
    assert len(page.people) == 5
    assert len({e.person.pk for e in page.people}) == 5


def test_the_list_follows_the_users_day_not_the_servers(alice: User):
    alice.time_zone = "Pacific/Kiritimati"  # UTC+14: already Tuesday 24 November, 02:00
    alice.save()
    PersonDateFactory(person=known(alice, "Helga"), month=11, day=24, year=1965)
    muscles_recompute(user_ids=[alice.pk])
    from django.utils import timezone

    with timezone.override("Pacific/Kiritimati"):
        (entry,) = reach_out(user=alice).people
    assert entry.reason() == "Helga turns 61 today."


def test_the_home_page_shows_dates_in_a_fixed_number_of_queries(alice_client: Client, alice: User):
    def queries_with(people: int) -> int:
        Person.objects.for_user(alice).delete()
        for i in range(people):
            person = known(alice, f"Person {i}", days=100 + i)
            on = TODAY + datetime.timedelta(days=i % 20)
            PersonDateFactory(person=person, month=on.month, day=on.day)
        muscles_recompute(user_ids=[alice.pk])
        with CaptureQueriesContext(connection) as queries:
            page = alice_client.get(reverse("home"))
        assert "Coming up" in page.text
        return len(queries)

    assert queries_with(6) == queries_with(60)


def test_the_upcoming_page_groups_60_days_by_week(alice: User, alice_client: Client):
    PersonDateFactory(person=known(alice, "Helga"), month=11, day=27, year=1965)
    tom = known(alice, "Tom")
    PersonDateFactory(person=tom, month=12, day=1)
    PersonDateFactory(person=tom, kind="anniversary", label="Wedding with Max", month=12, day=1)
    PersonDateFactory(person=known(alice, "Lena"), month=1, day=10)
    PersonDateFactory(person=known(alice, "Later"), month=1, day=30)
    home = alice_client.get(reverse("home")).text
    assert reverse("relationships:upcoming") in home
    page = html.unescape(alice_client.get(reverse("relationships:upcoming")).text)
    assert page.index("This week") < page.index("Helga") < page.index("Next week")
    assert page.index("Next week") < page.index("Tom") < page.index("Week of 4 January")
    assert "Lena" in page
    assert "Later" not in page
    # Each row says each thing once: the day, who, and what it is.
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<li>(.*?)</li>", page.split('class="upcoming-weeks"')[1], re.S)
    ]
    assert rows == [
        "Fri 27 Nov Helga Birthday · turns 61",
        "Tue 1 Dec Tom Birthday",
        "Tue 1 Dec Tom Wedding with Max",
        "Sun 10 Jan Lena Birthday",
    ]


def capture_at_event(client: Client, owner: User, name: str, birthday: datetime.date) -> None:
    """Meet someone at an event and capture them on the phone, with their birthday: capture
    records an in-person conversation that day."""
    data = {
        "account": owner.device_tag,
        "key": str(uuid.uuid4()),
        "name": name,
        "event": "Stanford alumni dinner",
        "favour_giver": "me",
        "birthday_day": str(birthday.day),
        "birthday_month": str(birthday.month),
    }
    assert client.post(reverse("capture:page"), data).status_code == 302


@pytest.mark.parametrize("met", [1, 3, 6], ids=lambda days: f"met-{days}-days-ago")
@pytest.mark.parametrize("start", range(7), ids=lambda n: f"{TODAY + datetime.timedelta(n):%A}")
def test_a_full_week_of_dates_lists_the_soonest_first(
    alice: User, alice_client: Client, start: int, met: int
):
    """A date on each day of the week, for seven people met at one event in the days before
    and captured there: the list holds the five soonest, in order. The conversation capture
    records on the day you met is no sign you were in touch about the date (it hid the
    soonest birthdays, Wednesday's, while keeping Saturday's and Sunday's)."""
    today = TODAY + datetime.timedelta(days=start)
    week = [today + datetime.timedelta(days=n) for n in range(7)]
    with time_machine.travel(NOW + datetime.timedelta(days=start - met), tick=False):
        for day in reversed(week):  # captured in another order than the days come
            capture_at_event(alice_client, alice, f"{day:%A}", day)
    for i in range(3):
        known(alice, f"Quiet {i}", days=400)
    with time_machine.travel(NOW + datetime.timedelta(days=start), tick=False):
        muscles_recompute(user_ids=[alice.pk])
        listed = [e.person.name for e in reach_out(user=alice).people]
    assert listed == [f"{day:%A}" for day in week[:5]]


def test_the_home_page_says_what_is_coming_up_above_the_cards(alice: User, alice_client: Client):
    """On a phone "Coming up" is below every card: its first date is said at the top too."""
    for i in range(5):
        known(alice, f"Quiet {i}", days=400)
    for name, day in (("Helga", 3), ("Tom", 10), ("Lena", 14)):
        PersonDateFactory(person=known(alice, name), month=12, day=day)
    muscles_recompute(user_ids=[alice.pk])
    page = html.unescape(alice_client.get(reverse("home")).text)
    line = re.search(r'<p class="coming-up-line">(.*?)</p>', page, re.S)
    assert line
    said = " ".join(re.sub(r"<[^>]+>", " ", line[1]).split())
    assert said == "Coming up: Helga's birthday is on 3 December. +2 more"
    assert reverse("relationships:upcoming") in line[1]
    assert page.index('class="coming-up-line"') < page.index('class="reach-list"')


def test_with_nothing_coming_up_the_home_page_says_nothing_of_it(alice_client: Client):
    assert 'class="coming-up-line"' not in alice_client.get(reverse("home")).text
