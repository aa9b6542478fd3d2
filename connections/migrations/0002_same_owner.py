"""Both ends of a link, and of an introduction, belong to the link's owner: foreign keys on
(owner, person) pairs, which the database checks on every write, whoever writes."""

from django.db import migrations

PAIRS = [
    ("connections_connection", "person_a_id"),
    ("connections_connection", "person_b_id"),
    ("connections_introduction", "person_id"),
    ("connections_introduction", "introducer_id"),
]


def _name(table: str, column: str) -> str:
    return f"{table.removeprefix('connections_')}_{column.removesuffix('_id')}_same_owner"


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0001_initial"),
        ("contacts", "0010_person_owner_and_id"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{_name(table, column)}" '
                f'FOREIGN KEY ("owner_id", "{column}") REFERENCES "contacts_person" ("owner_id", "id") '
                "DEFERRABLE INITIALLY DEFERRED"
            ),
            reverse_sql=f'ALTER TABLE "{table}" DROP CONSTRAINT "{_name(table, column)}"',
        )
        for table, column in PAIRS
    ]
