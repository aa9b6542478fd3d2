"""Imports before people had dates wrote a vCard's BDAY and a Google CSV's "Birthday" into the
notes, as a line "BDAY: …" (portability/importing.py until this release). Move each such line
that holds a real date into a birthday, and take it out of the notes.

A line that is no date ("BDAY: circa 1800", a vCard 4.0 text birthday) stays in the notes, and
so does a second birthday line of one person, so nothing is lost. Going back writes each
birthday into the notes again, the way imports wrote it. The date reader is copied here, so a
later change to the import's cannot change what this migration did."""

import calendar
import re

from django.db import migrations

LINE = re.compile(r"^BDAY: (.*\S)\s*$")
DATE = re.compile(
    r"^(?:--|(?P<year>\d{4})-?)(?P<month>\d{2})-?(?P<day>\d{2})(?:T[\d:.]*(?:Z|[+-][\d:]+)?)?$"
)
BATCH = 1000


def read_date(text):
    found = DATE.match(text.strip())
    if not found:
        return None
    month, day = int(found["month"]), int(found["day"])
    year = int(found["year"]) if found["year"] else None
    if year is not None and year < 1900:  # Apple's 1604: no year
        year = None
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return None
    return month, day, year


def birthdays_out_of_notes(apps, schema_editor):
    Person = apps.get_model("contacts", "Person")
    PersonDate = apps.get_model("contacts", "PersonDate")
    people = Person.objects.filter(notes__regex=r"(^|\n)BDAY: ").only("pk", "owner_id", "notes")
    changed, dates = [], []
    for person in people.iterator(chunk_size=BATCH):
        kept, found = [], None
        for line in person.notes.split("\n"):
            match = LINE.match(line.rstrip("\r"))
            date = read_date(match[1]) if match and found is None else None
            if date:
                found = date
            else:
                kept.append(line)
        if found is None:
            continue
        month, day, year = found
        dates.append(
            PersonDate(
                owner_id=person.owner_id,
                person_id=person.pk,
                kind="birthday",
                month=month,
                day=day,
                year=year,
            )
        )
        person.notes = "\n".join(kept).strip("\r\n")
        changed.append(person)
        if len(changed) == BATCH:
            Person.objects.bulk_update(changed, ["notes"])
            PersonDate.objects.bulk_create(dates)
            changed, dates = [], []
    Person.objects.bulk_update(changed, ["notes"])
    PersonDate.objects.bulk_create(dates)


def birthdays_into_notes(apps, schema_editor):
    Person = apps.get_model("contacts", "Person")
    PersonDate = apps.get_model("contacts", "PersonDate")
    birthdays = PersonDate.objects.filter(kind="birthday").order_by("person_id", "pk")
    firsts = {}
    for date in birthdays:
        firsts.setdefault(date.person_id, date)
    changed = []
    for person in Person.objects.filter(pk__in=list(firsts)).only("pk", "notes"):
        date = firsts[person.pk]
        text = f"{date.year:04d}-{date.month:02d}-{date.day:02d}" if date.year else (
            f"--{date.month:02d}{date.day:02d}"
        )
        line = f"BDAY: {text}"
        person.notes = f"{line}\n{person.notes}" if person.notes else line
        changed.append(person)
    Person.objects.bulk_update(changed, ["notes"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0007_person_dates")]

    operations = [migrations.RunPython(birthdays_out_of_notes, birthdays_into_notes)]
