"""One birthday a person. Before this, a person could have two, and both showed and went into
the calendar feed. For each person with more than one, the first (the one added first) stays;
each other one on the same day with no other year merges into it, giving it the year it
lacked, and each other one becomes a line of the person's notes, "BDAY: 1980-04-03", the way
imports keep a birthday they cannot use (and migration 0008 left a second "BDAY:" line). So
nothing typed is lost, and the feed holds one birthday. A birthday also always repeats now.

Going back removes the constraints and leaves the data as it is. The few lines of logic are
copied here, so a later change to the model cannot change what this migration did."""

from django.db import migrations, models
from django.db.models import Count


def note_line(date):
    year = f"{date.year:04d}-" if date.year else "--"
    label = f" ({date.label})" if date.label else ""
    return f"BDAY: {year}{date.month:02d}-{date.day:02d}{label}"


def one_birthday_a_person(apps, schema_editor):
    Person = apps.get_model("contacts", "Person")
    PersonDate = apps.get_model("contacts", "PersonDate")
    birthdays = PersonDate.objects.filter(kind="birthday")
    birthdays.filter(repeats=False).update(repeats=True)
    doubled = (
        birthdays.values("person_id").annotate(n=Count("pk")).filter(n__gt=1).values("person_id")
    )
    firsts, lines, gone = {}, {}, []
    for date in birthdays.filter(person_id__in=doubled).order_by("person_id", "created_at", "pk"):
        first = firsts.setdefault(date.person_id, date)
        if first is date:
            continue
        same_day = (first.month, first.day) == (date.month, date.day)
        if same_day and not (first.year and date.year and first.year != date.year):
            first.year = first.year or date.year
        else:
            lines.setdefault(date.person_id, []).append(note_line(date))
        gone.append(date.pk)
    PersonDate.objects.filter(pk__in=gone).delete()
    PersonDate.objects.bulk_update(firsts.values(), ["year"])
    people = list(Person.objects.filter(pk__in=list(lines)).only("pk", "notes"))
    for person in people:
        person.notes = "\n".join([person.notes, *lines[person.pk]]).strip("\n")
    Person.objects.bulk_update(people, ["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_where_people_live"),
    ]

    operations = [
        migrations.AlterField(
            model_name="persondate",
            name="label",
            field=models.CharField(blank=True, max_length=100, verbose_name="what it is"),
        ),
        migrations.RunPython(one_birthday_a_person, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="persondate",
            constraint=models.UniqueConstraint(
                fields=("person",),
                condition=models.Q(("kind", "birthday")),
                name="date_one_birthday",
            ),
        ),
        migrations.AddConstraint(
            model_name="persondate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "birthday"), _negated=True),
                    ("repeats", True),
                    _connector="OR",
                ),
                name="date_birthday_repeats",
            ),
        ),
    ]
