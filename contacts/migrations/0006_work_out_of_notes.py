"""Imports before people had an organisation and a role wrote them into the notes, one line
each: "ORG: …" and "TITLE: …" from vCards and Google's CSV, "Company: …" and "Position: …" from
LinkedIn (portability/importing.py until this release). Move those lines into the fields.

Only whole lines with exactly those labels are taken, and only into a field still empty; a
second, different organisation stays in the notes, as does a value too long for the field, so
nothing is lost. Going back puts the fields into the notes again, the way imports wrote them."""

import re

from django.db import migrations

LINE = re.compile(r"^(ORG|TITLE|Company|Position): (.*\S)\s*$")
FIELD = {"ORG": "organisation", "Company": "organisation", "TITLE": "role", "Position": "role"}
MAX_LENGTH = 200
BATCH = 1000


def work_out_of_notes(apps, schema_editor):
    Person = apps.get_model("contacts", "Person")
    people = Person.objects.filter(
        notes__regex=r"(^|\n)(ORG|TITLE|Company|Position): "
    ).only("pk", "notes", "organisation", "role")
    changed = []
    for person in people.iterator(chunk_size=BATCH):
        kept = []
        for line in person.notes.split("\n"):
            match = LINE.match(line.rstrip("\r"))
            field = FIELD[match[1]] if match else ""
            value = match[2].strip() if match else ""
            if field and not getattr(person, field) and len(value) <= MAX_LENGTH:
                setattr(person, field, value)
            elif not field or getattr(person, field) != value:  # the same line twice goes
                kept.append(line)
        person.notes = "\n".join(kept).strip("\r\n")
        changed.append(person)
        if len(changed) == BATCH:
            Person.objects.bulk_update(changed, ["notes", "organisation", "role"])
            changed = []
    Person.objects.bulk_update(changed, ["notes", "organisation", "role"])


def work_into_notes(apps, schema_editor):
    Person = apps.get_model("contacts", "Person")
    changed = []
    for person in (
        Person.objects.exclude(organisation="", role="")
        .only("pk", "notes", "organisation", "role")
        .iterator(chunk_size=BATCH)
    ):
        lines = [f"ORG: {person.organisation}"] if person.organisation else []
        lines += [f"TITLE: {person.role}"] if person.role else []
        person.notes = "\n".join([*lines, person.notes] if person.notes else lines)
        changed.append(person)
        if len(changed) == BATCH:
            Person.objects.bulk_update(changed, ["notes"])
            changed = []
    Person.objects.bulk_update(changed, ["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_person_work_home_town_and_photo"),
    ]

    operations = [
        migrations.RunPython(work_out_of_notes, work_into_notes, elidable=False),
    ]
