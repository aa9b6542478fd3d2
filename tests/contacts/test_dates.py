"""Dates on a person: when each comes round, how it is said, what is refused, and the page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from common.dates import DayOfYear, read_date
from contacts.models import PersonDate
from tests.dates import NOW, TODAY
from tests.factories import PersonDateFactory, PersonFactory, UserFactory, drawn_form

TOMORROW = TODAY + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def test_a_birthday_comes_round_this_year_or_next():
    birthday = PersonDate(month=11, day=27, year=1965)  # TODAY is Monday 23 November 2026
    assert birthday.next_on(TODAY) == datetime.date(2026, 11, 27)
    assert birthday.years_on(datetime.date(2026, 11, 27)) == 61
    earlier = PersonDate(month=3, day=15)
    assert earlier.next_on(TODAY) == datetime.date(2027, 3, 15)
    assert earlier.years_on(datetime.date(2027, 3, 15)) is None


def test_29_february_falls_on_the_28th_in_other_years():
    leap = PersonDate(month=2, day=29, year=1972)
    assert leap.next_on(TODAY) == datetime.date(2027, 2, 28)
    assert leap.next_on(datetime.date(2028, 1, 1)) == datetime.date(2028, 2, 29)
    assert leap.next_on(datetime.date(2027, 3, 1)) == datetime.date(2028, 2, 29)


def test_a_date_that_happens_once_is_gone_once_past():
    once = PersonDate(month=12, day=1, year=2026, repeats=False)
    assert once.next_on(TODAY) == datetime.date(2026, 12, 1)
    assert once.years_on(datetime.date(2026, 12, 1)) is None
    assert PersonDate(month=1, day=1, year=2026, repeats=False).next_on(TODAY) is None


def test_each_kind_is_said_as_people_say_it():
    helga = PersonFactory(name="Helga")
    friday = datetime.date(2026, 11, 27)

    def said(on: datetime.date = friday, **fields: object) -> str:
        return PersonDate(person=helga, **fields).sentence(on, TODAY)

    assert said(kind="birthday", month=11, day=27, year=1965) == "Helga turns 61 on Friday."
    assert said(kind="birthday", month=11, day=27) == "Helga's birthday is on Friday."
    assert said(TODAY, kind="birthday", month=11, day=23) == "Helga's birthday is today."
    assert (
        said(kind="anniversary", month=11, day=27, year=2016)
        == "Helga's anniversary: 10 years on Friday."
    )
    far = datetime.date(2027, 3, 15)
    assert (
        said(far, kind="other", label="moved to Lisbon", month=3, day=15, year=2020)
        == "Helga: 7 years since “moved to Lisbon”, on 15 March."
    )
    wedding = {"kind": "anniversary", "label": "wedding", "month": 11, "day": 24, "year": 2016}
    assert said(TOMORROW, **wedding) == "Helga: “wedding”, 10 years tomorrow."
    # German puts the day before the number: "morgen 10 Jahre", never "10 Jahre morgen".
    with translation.override("de"):
        assert said(kind="birthday", month=11, day=27, year=1965) == "Helga wird am Freitag 61."
        assert (
            said(kind="anniversary", month=11, day=27, year=2016)
            == "Helga hat am Freitag den 10. Jahrestag."
        )
        assert said(TOMORROW, **wedding) == "Helga: „wedding“, morgen 10 Jahre."
        assert (
            said(far, kind="other", label="nach Lissabon gezogen", month=3, day=15, year=2020)
            == "Helga: am 15. März 7 Jahre seit „nach Lissabon gezogen“."
        )


def test_the_day_you_met_counts_as_a_date():
    person = PersonFactory(met_on=datetime.date(2016, 11, 24))
    assert person.met_sentence(TODAY) == "10 years since you met, tomorrow."
    assert PersonFactory(met_on=datetime.date(2026, 5, 1)).met_sentence(TODAY) == (
        "1 year since you met, on 1 May."
    )
    with translation.override("de"):
        assert person.met_sentence(TODAY) == "Ihr kennt euch morgen seit 10 Jahren."
    assert PersonFactory(met_on=TODAY).met_sentence(TODAY) == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"month": 4, "day": 31}, "day", "April has only 30 days."),
        ({"month": 2, "day": 30}, "day", "February has only 29 days."),
        ({"month": 2, "day": 29, "year": 1971}, "day", "1971 was not a leap year"),
        ({"month": 3, "day": 15, "year": 1850}, "year", "from 1900 on"),
        ({"month": 3, "day": 15, "year": 2027}, "year", "cannot be in the future"),
        (
            {"month": 3, "day": 15, "kind": "anniversary", "repeats": False},
            "year",
            "needs its year",
        ),
        ({"month": 3, "day": 15, "kind": "other"}, "label", "Say what the date is"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(fields, field, message):
    person = PersonFactory()
    date = PersonDate(person=person, owner=person.owner, **fields)
    with pytest.raises(ValidationError) as refused:
        date.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_a_29_february_without_a_year_is_fine():
    person = PersonFactory()
    PersonDate(person=person, owner=person.owner, month=2, day=29).full_clean()


def test_upcoming_crosses_the_year_end_in_one_query(django_assert_num_queries):
    owner = UserFactory()
    names = {}
    for name, (month, day) in {
        "today": (11, 23),
        "december": (12, 31),
        "new year": (1, 2),
        "too far": (1, 23),
        "gone": (11, 22),
    }.items():
        names[name] = PersonDateFactory(
            person=PersonFactory(owner=owner, name=name), month=month, day=day
        )
    archived = PersonFactory(owner=owner, archived=True)
    PersonDateFactory(person=archived, month=12, day=1)
    PersonDateFactory(person=PersonFactory(name="stranger"), month=12, day=1)
    with django_assert_num_queries(1):
        found = PersonDate.objects.for_user(owner).upcoming(today=TODAY, days=60)
        assert [(o.person.name, o.on) for o in found] == [
            ("today", TODAY),
            ("december", datetime.date(2026, 12, 31)),
            ("new year", datetime.date(2027, 1, 2)),
        ]


def test_upcoming_finds_29_february_on_the_28th():
    person = PersonFactory()
    PersonDateFactory(person=person, month=2, day=29)
    found = PersonDate.objects.for_user(person.owner).upcoming(
        today=datetime.date(2027, 2, 21), days=7
    )
    assert [o.on for o in found] == [datetime.date(2027, 2, 28)]


@pytest.mark.parametrize("people", [10, 10_000])
def test_upcoming_takes_one_query_however_many_people(people, django_assert_num_queries):
    owner = UserFactory()
    persons = PersonFactory._meta.model.objects.bulk_create(
        PersonFactory.build(owner=owner) for _ in range(people)
    )
    PersonDate.objects.bulk_create(
        PersonDate(owner=owner, person=p, month=i % 12 + 1, day=i % 28 + 1)
        for i, p in enumerate(persons)
    )
    with django_assert_num_queries(1):
        found = PersonDate.objects.for_user(owner).upcoming(today=TODAY, days=60)
    assert len(found) > people // 12


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("--0315", DayOfYear(3, 15)),
        ("--03-15", DayOfYear(3, 15)),
        ("19710315", DayOfYear(3, 15, 1971)),
        ("1971-03-15", DayOfYear(3, 15, 1971)),
        ("1971-03-15T00:00:00Z", DayOfYear(3, 15, 1971)),
        ("19710315T000000", DayOfYear(3, 15, 1971)),
        ("1604-03-15", DayOfYear(3, 15)),
        ("--0229", DayOfYear(2, 29)),
        ("1971-02-29", None),
        ("--0431", None),
        ("circa 1800", None),
        ("", None),
    ],
)
def test_dates_are_read_as_address_books_write_them(text, read):
    assert read_date(text) == read


def test_a_birthday_is_added_in_place_and_shown_on_the_page(alice: User, alice_client: Client):
    helga = PersonFactory(owner=alice, name="Helga")
    url = reverse("contacts:date_create", args=[helga.pk])
    form = alice_client.get(url, headers={"HX-Request": "true"})
    assert 'name="once"' in form.text
    data = {**drawn_form(), "kind": "birthday", "day": "27", "month": "11", "year": "1965"}
    data["repeats"] = "on"
    saved = alice_client.post(url, data, headers={"HX-Request": "true"})
    assert saved.headers["HX-Retarget"] == "#dates"
    assert "Helga turns 61 on Friday." in saved.text
    page = alice_client.get(helga.get_absolute_url())
    assert "Helga turns 61 on Friday." in page.text


def test_an_impossible_date_is_refused_beside_the_field_keeping_what_was_typed(
    alice: User, alice_client: Client
):
    helga = PersonFactory(owner=alice)
    url = reverse("contacts:date_create", args=[helga.pk])
    data = {**drawn_form(), "kind": "other", "label": "Moved to Lisbon", "day": "31", "month": "4"}
    refused = alice_client.post(url, data)
    assert refused.status_code == 200
    assert "April has only 30 days." in refused.text
    assert 'value="Moved to Lisbon"' in refused.text
    assert not PersonDate.objects.exists()


def test_a_date_is_edited_and_deleted(alice: User, alice_client: Client):
    date = PersonDateFactory(person=PersonFactory(owner=alice))
    url = reverse("contacts:date_edit", args=[date.pk])
    data = {"kind": "anniversary", "day": "1", "month": "6", "year": "2010", "repeats": "on"}
    assert alice_client.post(url, data).status_code == 302
    date.refresh_from_db()
    assert (date.kind, date.month, date.day, date.year) == ("anniversary", 6, 1, 2010)
    alice_client.post(reverse("contacts:date_delete", args=[date.pk]))
    assert not PersonDate.objects.exists()
