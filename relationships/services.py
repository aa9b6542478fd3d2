"""Work that spans every app: a person's whole timeline, searching everything, and
noticing when the only recent contact with someone was to ask for something."""

import datetime
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Greatest, Replace
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from contacts.models import DEFAULT_CADENCE_DAYS, Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from knotwork.search import LANGUAGES, Fold, folded, name_likeness, stemmed_query
from knotwork.templatetags.humanize_dates import cadence, time_ago
from relationships.models import JobRun, Muscle

TIMELINE_PAGE_SIZE = 20
ONLY_ASKING_WINDOW = datetime.timedelta(days=90)
SEARCH_LIMIT = 30
SEARCH_CANDIDATES = 200
# Marks around highlighted words; plain control characters, so the text can be escaped first.
MARK_START, MARK_END = "\x02", "\x03"
LT, GT = "\ue000", "\ue001"


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


@dataclass
class Hit:
    kind: str
    item: Any
    snippet: str


def _candidates(owned: QuerySet[Any], *conditions: Q) -> QuerySet[Any]:
    """At most SEARCH_CANDIDATES rows of one kind for each condition, each found through its own
    index before any ranking, so that a word in thousands of stories does not make every one
    of them be ranked."""
    first, *others = (
        owned.filter(condition).order_by().values("pk")[:SEARCH_CANDIDATES]
        for condition in conditions
    )
    candidates: QuerySet[Any] = owned.model._default_manager.filter(
        pk__in=first.union(*others) if others else first
    )
    return candidates


def search_everything(*, user: User, text: str) -> list[Hit]:
    """People, stories, conversation notes and favours matching the words, best first.
    Stemmed full-text search in English and German, plus trigram similarity on names so a
    misspelt name still finds the person. Fixed queries: one ranked union, one fetch per kind."""
    query = stemmed_query(text)
    matches = Q(search=query)
    rank = SearchRank("search", query)
    people = Person.objects.for_user(user).alias(folded_name=Fold("name"))
    misspelt = Q(folded_name__trigram_similar=folded(text))
    ranked: list[QuerySet[Any]] = [
        _candidates(people, matches, misspelt).annotate(rank=rank + name_likeness(text, "name")),
        _candidates(Story.objects.for_user(user), matches).annotate(rank=rank),
        _candidates(Conversation.objects.for_user(user), matches).annotate(rank=rank),
        _candidates(Favour.objects.for_user(user), matches).annotate(rank=rank),
    ]
    kinds = ["person", "story", "conversation", "favour"]
    selects: list[QuerySet[Any]] = [
        qs.annotate(hit_kind=Value(kind), score=Cast("rank", FloatField())).values_list(
            "hit_kind", "id", "score"
        )
        for kind, qs in zip(kinds, ranked, strict=True)
    ]
    with transaction.atomic():
        # Each kind's candidates come with a LIMIT, which tempts the planner to walk the owner
        # index row by row; for a word that matches nothing that reads every row the user has.
        # Bitmap scans of the full-text and trigram indexes find the candidates directly.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
        rows = list(selects[0].union(*selects[1:], all=True).order_by("-score")[:SEARCH_LIMIT])
    ids: dict[str, list[int]] = {kind: [] for kind in kinds}
    for kind, pk, _score in rows:
        ids[kind].append(pk)

    def snippet(field: str) -> SearchHeadline:
        # ts_headline drops anything that looks like an HTML tag; hide the angle brackets
        # from it so the snippet shows exactly what was typed.
        text = Replace(Replace(field, Value("<"), Value(LT)), Value(">"), Value(GT))
        # Highlight English stems, then German ones, so a match in either language is marked.
        english_config, german_config = LANGUAGES
        english = SearchHeadline(
            text,
            query,
            config=english_config,
            max_words=40,
            min_words=20,
            start_sel=MARK_START,
            stop_sel=MARK_END,
        )
        return SearchHeadline(
            english,
            query,
            config=german_config,
            highlight_all=True,
            start_sel=MARK_START,
            stop_sel=MARK_END,
        )

    fetched: dict[str, QuerySet[Any]] = {
        "person": Person.objects.filter(pk__in=ids["person"]).annotate(
            snippet=snippet("spark"), name_snippet=snippet("name")
        ),
        "story": Story.objects.filter(pk__in=ids["story"])
        .select_related("person", "conversation")
        .annotate(snippet=snippet("text")),
        "conversation": Conversation.objects.filter(pk__in=ids["conversation"])
        .prefetch_related("people")
        .annotate(snippet=snippet("notes")),
        "favour": Favour.objects.filter(pk__in=ids["favour"])
        .select_related("person")
        .annotate(snippet=snippet("what")),
    }
    found = {(kind, obj.pk): obj for kind, qs in fetched.items() for obj in qs}
    return [Hit(kind, found[(kind, pk)], _restored(found[(kind, pk)])) for kind, pk, _ in rows]


def _restored(item: Any) -> str:
    """Undo what the headline needed: angle brackets back, and words that both languages
    marked marked once."""
    for name in ("snippet", "name_snippet"):
        if hasattr(item, name):
            text = getattr(item, name).replace(LT, "<").replace(GT, ">")
            text = text.replace(MARK_START * 2, MARK_START).replace(MARK_END * 2, MARK_END)
            setattr(item, name, text)
    return str(item.snippet)


# Relationship muscles. docs/muscles.md explains the formula with a worked example.
WEIGHTS = {
    "in_person": 4.0,
    "video": 3.0,
    "call": 2.5,
    "message": 1.5,
    "online": 0.5,
    "touch": 1.0,
    "favour_done": 2.0,
}
HALF_LIFE_DAYS = 90
SATURATION = 8.0
MUSCLES_SQL = (Path(__file__).parent / "muscles.sql").read_text()
MUSCLES_JOB = "muscles"
logger = logging.getLogger(__name__)


def muscles_recompute(*, user_ids: Sequence[int], person_ids: Sequence[int] | None = None) -> None:
    """Recompute the muscles of these users' people (or only of the given people) in one
    set-based statement. Idempotent: running it again, or twice at once, gives the same rows."""
    params: dict[str, Any] = {
        "now": timezone.now(),
        "user_ids": list(user_ids),
        "person_ids": list(person_ids) if person_ids is not None else None,
        "half_life": HALF_LIFE_DAYS,
        "saturation": SATURATION,
        "ask_window": ONLY_ASKING_WINDOW.days,
        **{f"w_{kind}": weight for kind, weight in WEIGHTS.items()},
        **{f"cadence_{circle.value}": days for circle, days in DEFAULT_CADENCE_DAYS.items()},
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # A batch joins and groups a million interactions: in memory, not spilled to disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(MUSCLES_SQL, params)


def muscles_recompute_people(*, person_ids: Sequence[int]) -> None:
    """Recompute the muscles of a few people right after something happened with them."""
    owners = Person.objects.filter(pk__in=person_ids).values_list("owner_id", flat=True).distinct()
    muscles_recompute(user_ids=list(owners), person_ids=person_ids)


def muscles_recompute_all(*, batch_size: int = 1000) -> int:
    """Recompute every active user's muscles, a batch of users per statement. A batch that fails
    is retried user by user, so one broken account never stops the others. Returns how many
    users failed, and records the run for the health line."""
    user_ids = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    failures = 0
    for batch in itertools.batched(user_ids, batch_size):
        try:
            muscles_recompute(user_ids=batch)
        except DatabaseError:
            for user_id in batch:
                try:
                    muscles_recompute(user_ids=[user_id])
                except DatabaseError:
                    logger.exception("Could not recompute the muscles of user %s", user_id)
                    failures += 1
    JobRun.objects.update_or_create(
        name=MUSCLES_JOB, defaults={"finished_at": timezone.now(), "failures": failures}
    )
    return failures


FOLLOW_UP_LOOKAHEAD = datetime.timedelta(days=7)
EXCERPT_WORDS = 18


def _excerpt(text: str) -> str:
    return Truncator(text).words(EXCERPT_WORDS)


@dataclass
class ReachOut:
    """One person on this week's list, with why and what to talk about."""

    muscle: Muscle
    last_conversation: Conversation | None
    latest_story: Story | None
    follow_up: Story | None
    open_favour: Favour | None
    today: datetime.date

    @property
    def person(self) -> Person:
        return self.muscle.person

    def reason(self) -> str:
        """When and where you were last in touch, and the rhythm you chose: facts, no filler."""
        last = self.muscle.last_contact_on
        ago = time_ago((self.today - last).days) if last else ""
        talk = self.last_conversation
        if talk and talk.happened_on == last and talk.place:
            said = _("You last talked %(ago)s, at %(place)s.") % {"ago": ago, "place": talk.place}
        elif talk and talk.happened_on == last:
            said = _("You last talked %(ago)s.") % {"ago": ago}
        elif self.person.met_on == last and self.person.met_at:
            said = _("You met at %(place)s %(ago)s.") % {"place": self.person.met_at, "ago": ago}
        else:
            said = _("You were last in touch %(ago)s.") % {"ago": ago}
        rhythm = _("You meant to be in touch every %(every)s.") % {
            "every": cadence(self.person.cadence)
        }
        asks = _("Lately you only asked for things.") if self.muscle.only_asks else ""
        return " ".join(part for part in (said, asks, rhythm) if part)

    def starter(self) -> str:
        """Something specific to open with: what they told you, what is open between you, or
        else what drew you to them in the first place."""
        if self.follow_up:
            return _("Ask how it went: “%(story)s”") % {"story": _excerpt(self.follow_up.text)}
        if self.open_favour:
            return _("Ask about the open favour: “%(what)s”") % {"what": self.open_favour.what}
        if self.latest_story:
            return _("Last time %(name)s told you: “%(story)s” Ask how that is going.") % {
                "name": self.person.name,
                "story": _excerpt(self.latest_story.text),
            }
        if self.person.spark:
            return _("What drew you to %(name)s: “%(spark)s” Start there.") % {
                "name": self.person.name,
                "spark": _excerpt(self.person.spark),
            }
        return ""


@dataclass
class ReachOutPage:
    people: list[ReachOut]
    follow_ups: list[Story]
    open_favours: list[Favour]
    want_to_meet: list[Person]
    jobs: dict[str, JobRun]


def _latest_per_person(queryset: QuerySet[Any], field: str, order: list[str]) -> dict[int, Any]:
    rows = queryset.order_by(field, *order).distinct(field)
    return {getattr(row, field.replace("__", "_")): row for row in rows}


def reach_out(*, user: User) -> ReachOutPage:
    """This week's few people to reach out to, why, and how to start; follow-ups due; open
    favours; people to meet; and when the background jobs last ran. A fixed number of queries."""
    today = timezone.localdate()
    muscles = list(
        Muscle.objects.for_user(user)
        .filter(quiet=True, person__archived=False)
        .exclude(snoozed_until__gte=today)
        .select_related("person")
        .order_by("tier", "-overdue", "person_id")[: user.reach_out_size]
    )
    ids = [m.person_id for m in muscles]
    stories = Story.objects.filter(person__in=ids).select_related("conversation")
    due = Q(ask_on__lte=today + FOLLOW_UP_LOOKAHEAD)
    latest = _latest_per_person(stories, "person_id", ["-conversation__happened_on", "-created_at"])
    follow_ups_by_person = _latest_per_person(
        stories.open_follow_ups().filter(due), "person_id", ["ask_on"]
    )
    favours = _latest_per_person(
        Favour.objects.filter(person__in=ids, status=Favour.Status.OPEN),
        "person_id",
        ["-happened_on"],
    )
    talks = Conversation.objects.filter(people__in=ids).annotate(person_id=F("people"))
    last_talks = {
        c.person_id: c for c in talks.order_by("person_id", "-happened_on").distinct("person_id")
    }
    people = [
        ReachOut(
            muscle=m,
            last_conversation=last_talks.get(m.person_id),
            latest_story=latest.get(m.person_id),
            follow_up=follow_ups_by_person.get(m.person_id),
            open_favour=favours.get(m.person_id),
            today=today,
        )
        for m in muscles
    ]
    last_attempt = Greatest(
        Subquery(
            Conversation.objects.filter(people=OuterRef("pk"))
            .order_by("-happened_on")
            .values("happened_on")[:1]
        ),
        Subquery(
            Touch.objects.filter(person=OuterRef("pk"))
            .order_by("-happened_on")
            .values("happened_on")[:1]
        ),
    )
    return ReachOutPage(
        people=people,
        follow_ups=list(
            Story.objects.for_user(user)
            .open_follow_ups()
            .filter(due, person__archived=False)
            .select_related("person", "conversation")
            .order_by("ask_on")[:10]
        ),
        open_favours=list(
            Favour.objects.for_user(user)
            .filter(status=Favour.Status.OPEN, person__archived=False)
            .select_related("person")[:10]
        ),
        want_to_meet=list(
            Person.objects.for_user(user)
            .filter(status=Person.Status.WANT_TO_MEET, archived=False)
            .annotate(last_attempt=last_attempt)[:10]
        ),
        jobs={run.name: run for run in JobRun.objects.all()},
    )


@transaction.atomic
def people_merge(*, keep: Person, merge: Person) -> None:
    """Fold `merge` into `keep`: every conversation, story, favour, touch, channel and tag moves
    over, empty fields are filled in, notes are joined, and nothing is lost."""
    through = Conversation.people.through
    through.objects.bulk_create(
        (
            through(conversation_id=pk, person_id=keep.pk)
            for pk in merge.conversations.values_list("pk", flat=True)
        ),
        ignore_conflicts=True,  # conversations they were both in
    )
    Story.objects.filter(person=merge).update(person=keep)
    Favour.objects.filter(person=merge).update(person=keep)
    Touch.objects.filter(person=merge).update(person=keep)
    known = set(keep.channels.values_list("kind", "value"))
    merge.channels.exclude(
        pk__in=[c.pk for c in merge.channels.all() if (c.kind, c.value) in known]
    ).update(person=keep)
    keep.tags.add(*merge.tags.all())
    for name in ("spark", "met_at", "met_on", "cadence_days"):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
    keep.notes = "\n\n".join(note for note in (keep.notes, merge.notes) if note)
    keep.is_knot = keep.is_knot or merge.is_knot
    keep.save()
    merge.delete()
