"""A person's whole timeline: everything that happened with them, newest first."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Value

from common.counts import count_of
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour

TIMELINE_PAGE_SIZE = 20
# A conversation on the timeline shows its first few stories; its own page pages through all.
STORIES_SHOWN = 3
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass
class Entry:
    kind: str
    day: datetime.date
    item: Any
    # For a conversation: who else was there, besides the person whose timeline this is.
    others: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the timeline ended: its last entry's day and creation time. The next
    page starts just before it, found through the index however far back it lies."""

    day: datetime.date
    created_at: datetime.datetime

    def __str__(self) -> str:
        micros = (self.created_at - EPOCH) // datetime.timedelta(microseconds=1)
        return f"{self.day.isoformat()}_{micros}"

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        """A cursor from a link, or None for anything else: the page then starts at the top."""
        day, _, micros = text.partition("_")
        try:
            created_at = EPOCH + datetime.timedelta(microseconds=int(micros))
            return cls(datetime.date.fromisoformat(day), created_at)
        except (ValueError, OverflowError):
            return None


def _rows(
    queryset: QuerySet[Any], kind: str, before: Cursor | None, day: str = "happened_on"
) -> QuerySet[Any]:
    rows = queryset.annotate(entry_kind=Value(kind), day=F(day))
    if before:
        rows = rows.filter(
            Q(day__lt=before.day) | Q(day=before.day, created_at__lt=before.created_at)
        )
    # Each kind brings only a page's worth, newest first: through a person's index on the day,
    # the merge never sorts a lifetime of favours or touches.
    entries: QuerySet[Any] = rows.order_by("-day", "-created_at").values_list(
        "entry_kind", "id", "day", "created_at"
    )[: TIMELINE_PAGE_SIZE + 1]
    return entries


def timeline_page(
    *, person: Person, before: Cursor | None = None
) -> tuple[list[Entry], Cursor | None]:
    """One page of everything that happened with a person, newest first, and where the next
    page starts (None at the very beginning). A fixed number of queries however long the
    history: one merged list of (kind, id, date) from just before the cursor, then one fetch for
    each kind on the page; a conversation brings at most a few of its stories."""
    merged = (
        _rows(Conversation.objects.with_person(person), "conversation", before)
        .union(
            _rows(person.favours.all(), "favour", before),
            _rows(person.touches.all(), "touch", before),
            _rows(
                Person.objects.filter(pk=person.pk, met_on__isnull=False), "met", before, "met_on"
            ),
            all=True,
        )
        .order_by("-day", "-created_at")
    )
    rows = list(merged[: TIMELINE_PAGE_SIZE + 1])
    ids: dict[str, list[int]] = {"conversation": [], "favour": [], "touch": []}
    for kind, pk, _day, _created in rows[:TIMELINE_PAGE_SIZE]:
        ids.setdefault(kind, []).append(pk)
    first_stories = Story.objects.select_related("person").order_by("pk")[:STORIES_SHOWN]
    items: dict[str, QuerySet[Any]] = {
        "conversation": Conversation.objects.filter(pk__in=ids["conversation"])
        .annotate(story_count=count_of(Story.objects.filter(conversation=OuterRef("pk"))))
        .prefetch_related("people", Prefetch("stories", first_stories, to_attr="first_stories")),
        "favour": Favour.objects.filter(pk__in=ids["favour"]).select_related("person"),
        "touch": Touch.objects.filter(pk__in=ids["touch"]),
    }
    found = {(kind, obj.pk): obj for kind, qs in items.items() for obj in qs}
    found[("met", person.pk)] = person
    page = rows[:TIMELINE_PAGE_SIZE]
    entries = [Entry(kind, day, found[(kind, pk)]) for kind, pk, day, _ in page]
    for entry in entries:
        if entry.kind == "conversation":
            entry.others = [p for p in entry.item.people.all() if p.pk != person.pk]
    more = len(rows) > TIMELINE_PAGE_SIZE
    return entries, Cursor(page[-1][2], page[-1][3]) if more else None
