"""Work on people that more than one caller does: dates added in bulk, by both imports."""

from contacts.models import Person, PersonDate


def dates_add(*, dates: list[PersonDate]) -> None:
    """Give people these dates, in a fixed number of queries however many there are. A date a
    person has already (the same kind, label and day) is not added again. A person has one
    birthday: a second one on the same day merges into it (giving the year it lacked), and
    any other is kept as a line of their notes ("BDAY: 1980-04-03"), so nothing is lost."""
    people = {date.person_id for date in dates}
    have = list(PersonDate.objects.filter(person__in=people)) if people else []
    seen = {(d.person_id, d.kind, d.label, d.month, d.day) for d in have}
    birthdays = {d.person_id: d for d in have if d.kind == PersonDate.Kind.BIRTHDAY}
    new: list[PersonDate] = []
    merged: dict[int, PersonDate] = {}
    notes: dict[int, list[str]] = {}
    for date in dates:
        kept = birthdays.get(date.person_id) if date.kind == PersonDate.Kind.BIRTHDAY else None
        if kept is not None:
            if not kept.absorb(date):
                notes.setdefault(date.person_id, []).append(date.note_line())
            elif kept.pk:
                merged[kept.pk] = kept
            continue
        key = (date.person_id, date.kind, date.label, date.month, date.day)
        if key in seen:
            continue
        seen.add(key)
        new.append(date)
        if date.kind == PersonDate.Kind.BIRTHDAY:
            birthdays[date.person_id] = date
    PersonDate.objects.bulk_create(new)
    PersonDate.objects.bulk_update(merged.values(), ["year"])
    if notes:
        noted = list(Person.objects.filter(pk__in=notes).only("pk", "notes"))
        for person in noted:
            person.notes = "\n".join([person.notes, *notes[person.pk]]).strip("\n")
        Person.objects.bulk_update(noted, ["notes"])
