"""Earlier imports wrote organisations and roles into the notes as "ORG: …", "TITLE: …",
"Company: …" and "Position: …" lines; the migration moves them into the fields."""

from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [("contacts", "0005_person_work_home_town_and_photo")]
AFTER = [("contacts", "0006_work_out_of_notes")]

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


# (notes as an import wrote them, and any fields already set) -> (organisation, role, notes)
CASES = {
    "vcard": (
        "ORG: Acme GmbH Sales\nTITLE: Head of Sales\nMet at the fair.",
        {},
        ("Acme GmbH Sales", "Head of Sales", "Met at the fair."),
    ),
    "google csv": (
        "NICKNAME: Hel\nORG: Acme\nTITLE: CTO\nNotes: Loves sailing\nBDAY: 1980-04-01",
        {},
        ("Acme", "CTO", "NICKNAME: Hel\nNotes: Loves sailing\nBDAY: 1980-04-01"),
    ),
    "linkedin": (
        "Company: Bäckerei Weber\nPosition: Baker\nConnected on: 01 Mar 2024",
        {},
        ("Bäckerei Weber", "Baker", "Connected on: 01 Mar 2024"),
    ),
    "typed since": (
        "ORG: Acme\nTITLE: CTO\r\nmy own words",
        {"organisation": "Acme", "role": "Chief Technology Officer"},
        ("Acme", "Chief Technology Officer", "TITLE: CTO\r\nmy own words"),
    ),
    "two organisations": (
        "ORG: Acme\nORG: Umbrella",
        {},
        ("Acme", "", "ORG: Umbrella"),
    ),
    "not a heading": (
        "We spoke about the ORG: chart\norg: lower case\nCompany:no space",
        {},
        ("", "", "We spoke about the ORG: chart\norg: lower case\nCompany:no space"),
    ),
    "too long": ("ORG: " + "x" * 201, {}, ("", "", "ORG: " + "x" * 201)),
}


def test_lines_earlier_imports_wrote_move_into_the_fields(before: Apps):
    people = before.get_model("contacts", "Person")
    owner = UserFactory()
    ids = {
        case: people.objects.create(owner_id=owner.pk, name=case, notes=notes, **fields).pk
        for case, (notes, fields, _expected) in CASES.items()
    }

    after = migrate(AFTER).get_model("contacts", "Person")

    for case, (_notes, _fields, expected) in CASES.items():
        person = after.objects.get(pk=ids[case])
        assert (person.organisation, person.role, person.notes) == expected, case


def test_going_back_puts_them_into_the_notes_again(before: Apps):
    people = before.get_model("contacts", "Person")
    owner = UserFactory()
    pk = people.objects.create(
        owner_id=owner.pk, name="Helga", notes="Company: Acme\nPosition: CTO\nKind"
    ).pk
    migrate(AFTER)
    migrate(BEFORE)
    helga = people.objects.get(pk=pk)
    assert (helga.organisation, helga.role, helga.notes) == (
        "Acme",
        "CTO",
        "ORG: Acme\nTITLE: CTO\nKind",
    )
