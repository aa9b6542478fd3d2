"""Before one birthday a person was a constraint, people could have two. The migration keeps
the first; a second on the same day with no other year gives it its year, any other becomes a
line of the notes; and every birthday repeats."""

from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.contacts.test_birthday_migration import migrate
from tests.factories import UserFactory

BEFORE = [("contacts", "0011_where_people_live")]
AFTER = [("contacts", "0012_one_birthday_a_person")]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before() -> Iterator[Apps]:
    try:
        yield migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# birthdays as (month, day, year, repeats), added in this order -> the one kept, notes after
CASES = {
    "the same day twice": ([(3, 15, None, True), (3, 15, 1965, True)], (3, 15, 1965), ""),
    "the same day, the year first": ([(3, 15, 1965, True), (3, 15, None, True)], (3, 15, 1965), ""),
    "another year": ([(3, 15, 1965, True), (3, 15, 1966, True)], (3, 15, 1965), "BDAY: 1966-03-15"),
    "another day": (
        [(3, 15, None, True), (4, 3, 1980, True), (5, 1, None, True)],
        (3, 15, None),
        "BDAY: 1980-04-03\nBDAY: --05-01",
    ),
    "once": ([(3, 15, 1965, False)], (3, 15, 1965), ""),
    "one": ([(3, 15, None, True)], (3, 15, None), ""),
}


def test_the_first_birthday_stays_and_nothing_is_lost(before: Apps):
    Person = before.get_model("contacts", "Person")
    PersonDate = before.get_model("contacts", "PersonDate")
    owner = UserFactory()
    ids = {}
    for case, (dates, _kept, _notes) in CASES.items():
        person = Person.objects.create(owner_id=owner.pk, name=case, notes="Kind")
        ids[case] = person.pk
        for month, day, year, repeats in dates:
            PersonDate.objects.create(
                owner_id=owner.pk,
                person_id=person.pk,
                kind="birthday",
                month=month,
                day=day,
                year=year,
                repeats=repeats,
            )
        PersonDate.objects.create(
            owner_id=owner.pk, person_id=person.pk, kind="other", label="Moved", month=1, day=2
        )

    after = migrate(AFTER)
    Person = after.get_model("contacts", "Person")
    PersonDate = after.get_model("contacts", "PersonDate")
    for case, (_dates, kept, notes) in CASES.items():
        person = Person.objects.get(pk=ids[case])
        birthdays = PersonDate.objects.filter(person=person, kind="birthday")
        assert [(d.month, d.day, d.year, d.repeats) for d in birthdays] == [(*kept, True)], case
        assert PersonDate.objects.filter(person=person, kind="other").count() == 1, case
        assert person.notes == "\n".join(["Kind", notes] if notes else ["Kind"]), case
