"""A person's whole timeline: everything that happened with them, newest first."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    F,
    Prefetch,
    QuerySet,
    Value,
)

from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour

TIMELINE_PAGE_SIZE = 20


@dataclass
class Entry:
    kind: str
    day: datetime.date
    item: Any
    # For a conversation: who else was there, besides the person whose timeline this is.
    others: list[Person] = field(default_factory=list)


def _rows(queryset: QuerySet[Any], kind: str, day: str = "happened_on") -> QuerySet[Any]:
    rows: QuerySet[Any] = queryset.annotate(entry_kind=Value(kind), day=F(day)).values_list(
        "entry_kind", "id", "day", "created_at"
    )
    return rows


def timeline_page(*, person: Person, page: int) -> tuple[list[Entry], bool]:
    """One page of everything that happened with a person, newest first, in a fixed number of
    queries: one merged list of (kind, id, date), then one fetch for each kind on the page."""
    merged = (
        _rows(person.conversations.all(), "conversation")
        .union(
            _rows(person.favours.all(), "favour"),
            _rows(person.touches.all(), "touch"),
            _rows(Person.objects.filter(pk=person.pk, met_on__isnull=False), "met", day="met_on"),
            all=True,
        )
        .order_by("-day", "-created_at")
    )
    start = (page - 1) * TIMELINE_PAGE_SIZE
    rows = list(merged[start : start + TIMELINE_PAGE_SIZE + 1])
    ids: dict[str, list[int]] = {"conversation": [], "favour": [], "touch": []}
    for kind, pk, _day, _created in rows[:TIMELINE_PAGE_SIZE]:
        ids.setdefault(kind, []).append(pk)
    items: dict[str, QuerySet[Any]] = {
        "conversation": Conversation.objects.filter(pk__in=ids["conversation"]).prefetch_related(
            "people", Prefetch("stories", queryset=Story.objects.select_related("person"))
        ),
        "favour": Favour.objects.filter(pk__in=ids["favour"]).select_related("person"),
        "touch": Touch.objects.filter(pk__in=ids["touch"]),
    }
    found = {(kind, obj.pk): obj for kind, qs in items.items() for obj in qs}
    found[("met", person.pk)] = person
    entries = [
        Entry(kind, day, found[(kind, pk)]) for kind, pk, day, _ in rows[:TIMELINE_PAGE_SIZE]
    ]
    for entry in entries:
        if entry.kind == "conversation":
            entry.others = [p for p in entry.item.people.all() if p.pk != person.pk]
    return entries, len(rows) > TIMELINE_PAGE_SIZE
