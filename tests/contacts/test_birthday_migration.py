"""Earlier imports wrote a vCard's BDAY and a Google CSV's "Birthday" into the notes as a line
"BDAY: …"; the migration makes each real date a birthday and takes its line out."""

from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [("contacts", "0007_person_dates")]
AFTER = [("contacts", "0008_birthdays_out_of_notes")]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before() -> Iterator[Apps]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(target: list[tuple[str, str]]) -> Apps:
    """The database migrated to `target`, and the models as they were there: later
    migrations may add columns today's models would read."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


# notes as an import wrote them -> (the birthday: month, day, year; or None), notes after
CASES = {
    "vcard with year": ("BDAY: 1965-03-15\nMet at the fair.", (3, 15, 1965), "Met at the fair."),
    "no year": ("NICKNAME: Hel\nBDAY: --0512", (5, 12, None), "NICKNAME: Hel"),
    "basic form": ("BDAY: 19710315", (3, 15, 1971), ""),
    "with a time": ("BDAY: 1971-03-15T00:00:00Z\r\nKind", (3, 15, 1971), "Kind"),
    "google csv": ("Notes: Loves sailing\nBDAY: 1980-04-01", (4, 1, 1980), "Notes: Loves sailing"),
    "leap day": ("BDAY: --0229", (2, 29, None), ""),
    "apple no year": ("BDAY: 1604-03-15", (3, 15, None), ""),
    "text": ("BDAY: circa 1800", None, "BDAY: circa 1800"),
    "impossible": ("BDAY: 1971-02-29", None, "BDAY: 1971-02-29"),
    "two": ("BDAY: 1965-03-15\nBDAY: 1966-03-15", (3, 15, 1965), "BDAY: 1966-03-15"),
    "not a heading": ("Her BDAY: is in May", None, "Her BDAY: is in May"),
}


def test_birthday_lines_become_birthdays(before: Apps):
    people = before.get_model("contacts", "Person")
    owner = UserFactory()
    ids = {
        case: people.objects.create(owner_id=owner.pk, name=case, notes=notes).pk
        for case, (notes, _birthday, _after) in CASES.items()
    }

    after = migrate(AFTER)
    Person, PersonDate = (
        after.get_model("contacts", "Person"),
        after.get_model("contacts", "PersonDate"),
    )

    for case, (_notes, birthday, after) in CASES.items():
        person = Person.objects.get(pk=ids[case])
        dates = [(d.kind, d.month, d.day, d.year) for d in PersonDate.objects.filter(person=person)]
        assert dates == ([("birthday", *birthday)] if birthday else []), case
        assert person.notes == after, case
        assert all(d.owner_id == owner.pk for d in PersonDate.objects.filter(person=person))


def test_going_back_puts_them_into_the_notes_again(before: Apps):
    people = before.get_model("contacts", "Person")
    owner = UserFactory()
    pk = people.objects.create(owner_id=owner.pk, name="Helga", notes="BDAY: --0512\nKind").pk
    after = migrate(AFTER)
    Person = after.get_model("contacts", "Person")
    assert Person.objects.get(pk=pk).notes == "Kind"
    migrate(BEFORE)
    assert people.objects.get(pk=pk).notes == "BDAY: --0512\nKind"
