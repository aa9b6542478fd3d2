"""This week's reach-out list, with why and how to start, and what else is due."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Greatest, Upper
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from common.dates import cadence, time_ago
from contacts.models import Occurrence, Person, PersonDate
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from relationships.models import JobRun, Muscle

FOLLOW_UP_LOOKAHEAD = datetime.timedelta(days=7)
EXCERPT_WORDS = 18
# A date this many days ahead or fewer puts its person on this week's list.
DATE_LOOKAHEAD_DAYS = 7
# The digest's "coming up": the dates of the weeks after this one.
COMING_UP_DAYS = 28
# A knot this many rhythms overdue ranks above every date.
FAR_TOO_LONG = 2.0


def _excerpt(text: str) -> str:
    return Truncator(text).words(EXCERPT_WORDS)


@dataclass
class ReachOut:
    """One person on this week's list, with why and what to talk about: a date coming up,
    or a relationship gone quiet, or both."""

    person: Person
    muscle: Muscle | None
    last_conversation: Conversation | None
    latest_story: Story | None
    follow_up: Story | None
    open_favour: Favour | None
    today: datetime.date
    occurrence: Occurrence | None = None

    def reason(self) -> str:
        """The date coming up, if one is; when and where you were last in touch, and the
        rhythm you chose, if they have gone quiet: facts, no filler."""
        quiet = self.muscle is not None and self.muscle.quiet
        if self.occurrence is None:
            return self._quiet_reason()
        said = self.occurrence.sentence
        return f"{said} {self._quiet_reason()}" if quiet else said

    def _quiet_reason(self) -> str:
        assert self.muscle is not None  # noqa: S101 -- only quiet people come without a date
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
    # The dates of the next four weeks whose people are not on the list above.
    coming_up: list[Occurrence] = field(default_factory=list)

    @property
    def backups_scheduled(self) -> bool:
        return bool(settings.BACKUP_DIR)


def _contacts_since(people: set[int], since: datetime.date) -> dict[int, list[datetime.date]]:
    """The days each of these people and you were in touch since then, in one query: a
    conversation, a touch or a favour (not the day you met or added them, which would hide a
    new friend's birthday)."""
    if not people:
        return {}
    days = (
        Touch.objects.filter(person__in=people, happened_on__gte=since)
        .values_list("person_id", "happened_on")
        .order_by()
        .union(
            Conversation.objects.filter(people__in=people, happened_on__gte=since)
            .values_list("people", "happened_on")
            .order_by(),
            Favour.objects.filter(person__in=people, happened_on__gte=since)
            .values_list("person_id", "happened_on")
            .order_by(),
        )
        .order_by()
    )
    found: dict[int, list[datetime.date]] = {}
    for person, day in days:
        found.setdefault(person, []).append(day)
    return found


def _this_week(dates: list[Occurrence], today: datetime.date) -> list[Occurrence]:
    """The dates within the week of people you know: each puts its person on the list."""
    last = today + datetime.timedelta(days=DATE_LOOKAHEAD_DAYS)
    return [o for o in dates if o.on <= last and o.person.status == Person.Status.KNOWN]


def _listed(
    user: User,
    today: datetime.date,
    week: list[Occurrence],
    ranked: list[Muscle],
    muscles: dict[int | None, Muscle],
    contacts: dict[int, list[datetime.date]],
) -> list[tuple[Person, Muscle | None, Occurrence | None]]:
    """Who is on this week's list, in order, each once, at most the user's number: knots who
    have been quiet far too long, then people with a date within the week (the soonest first),
    then the quiet ones by tier and how far overdue. The rule is in docs/muscles.md.
    `ranked` holds the quiet, in that order, with room for the people dates take ahead."""
    dated: dict[int, Occurrence] = {}
    for o in week:
        muscle = muscles.get(o.person.pk)
        snoozed = muscle and muscle.snoozed_until and muscle.snoozed_until >= today
        # Once you have been in touch in the week before the day, the date has done its work;
        # but not by meeting them: the conversation capture records on the day you met would
        # hide a new friend's birthday, the soonest first.
        lead = o.on - datetime.timedelta(days=DATE_LOOKAHEAD_DAYS)
        met = o.person.met_on
        in_touch = any(day >= lead and day != met for day in contacts.get(o.person.pk, []))
        if not (snoozed or in_touch):
            dated.setdefault(o.person.pk, o)  # the soonest of a person's dates
    chosen: dict[int, tuple[Person, Muscle | None, Occurrence | None]] = {}
    for m in ranked:
        if m.person.is_knot and m.overdue >= FAR_TOO_LONG:
            chosen.setdefault(m.person_id, (m.person, m, dated.get(m.person_id)))
    for pk, o in dated.items():
        chosen.setdefault(pk, (o.person, muscles.get(pk), o))
    for m in ranked:
        chosen.setdefault(m.person_id, (m.person, m, None))
    return list(chosen.values())[: user.reach_out_size]


@dataclass(frozen=True)
class _Lists:
    """The ids of what one user's page lists, each list in its order."""

    ranked: list[int]
    follow_ups: list[int]
    favours: list[int]
    want_to_meet: list[int]


def _lists(owners: list[int], today: datetime.date, room: int) -> dict[int, _Lists]:
    """Each user's quiet people by rank (`room` of them), follow-ups due, open favours and
    people to meet, in one query: per user, each list is a subquery with its own LIMIT that
    reads its first rows through an index, not all of that user's rows."""

    def each(queryset: QuerySet[Any], *order: Any, count: int = 10) -> ArraySubquery:
        mine = queryset.filter(owner=OuterRef("pk")).order_by(*order)
        return ArraySubquery(mine.values("pk")[:count])

    far = ExpressionWrapper(
        Q(person__is_knot=True, overdue__gte=FAR_TOO_LONG), output_field=BooleanField()
    )
    quiet = Muscle.objects.filter(quiet=True, person__archived=False).exclude(
        snoozed_until__gte=today
    )
    due = Story.objects.open_follow_ups().filter(
        ask_on__lte=today + FOLLOW_UP_LOOKAHEAD, person__archived=False
    )
    favours = Favour.objects.filter(status=Favour.Status.OPEN, person__archived=False)
    to_meet = Person.objects.filter(status=Person.Status.WANT_TO_MEET, archived=False)
    rows = User.objects.filter(pk__in=owners).values_list(
        "pk",
        each(quiet, far.desc(), "tier", "-overdue", "person_id", count=room),
        each(due, "ask_on", "pk"),
        each(favours, "-happened_on", "-created_at"),
        each(to_meet, Upper("name"), "pk"),
    )
    return {pk: _Lists(*lists) for pk, *lists in rows}


@dataclass(frozen=True)
class _Firsts:
    """The ids of one person's latest story, the follow-up due soonest, their latest open
    favour and your last conversation."""

    latest: int | None
    follow_up: int | None
    favour: int | None
    talk: int | None


def _firsts(people: list[int], today: datetime.date) -> dict[int, _Firsts]:
    """What each person's reason and starter draw on, in one query: per person, each is a
    `LIMIT 1` read through an index from its end, where DISTINCT ON would read and sort every
    row of everyone's."""
    if not people:
        return {}

    def first(queryset: QuerySet[Any], *order: str, link: str = "person") -> Subquery:
        mine = queryset.filter(**{link: OuterRef("pk")}).order_by(*order)
        return Subquery(mine.values("pk")[:1])

    due = Story.objects.open_follow_ups().filter(ask_on__lte=today + FOLLOW_UP_LOOKAHEAD)
    rows = (
        Person.objects.filter(pk__in=people)
        .order_by()
        .values_list(
            "pk",
            first(Story.objects.all(), "-conversation__happened_on", "-created_at"),
            first(due, "ask_on"),
            first(Favour.objects.filter(status=Favour.Status.OPEN), "-happened_on", "-created_at"),
            first(Conversation.objects.all(), "-happened_on", "-created_at", link="people"),
        )
    )
    return {pk: _Firsts(*ids) for pk, *ids in rows}


def _fetch(queryset: QuerySet[Any], ids: Iterable[int | None]) -> dict[int | None, Any]:
    """The rows with these ids, by id, in one query (none for no ids)."""
    wanted = {pk for pk in ids if pk is not None}
    return {row.pk: row for row in queryset.filter(pk__in=wanted)} if wanted else {}


def reach_out(*, user: User) -> ReachOutPage:
    """This week's few people to reach out to, why, and how to start; follow-ups due; open
    favours; people to meet; dates in the weeks after; and when the background jobs last ran."""
    return reach_out_many(users=[user], today=timezone.localdate())[user.pk]


def reach_out_many(*, users: list[User], today: datetime.date) -> dict[int, ReachOutPage]:
    """The reach-out page of each of these users, whose day is `today`, by user: the same ten
    queries or fewer however many users there are, so the digest builds a batch at once."""
    owners = [user.pk for user in users]
    upcoming = PersonDate.objects.filter(owner__in=owners).upcoming(
        today=today, days=COMING_UP_DAYS
    )
    dates: dict[int, list[Occurrence]] = {pk: [] for pk in owners}
    for o in upcoming:
        dates[o.date.owner_id].append(o)
    week = {pk: _this_week(dates[pk], today) for pk in owners}
    lists = _lists(owners, today, max(u.reach_out_size + len(week[u.pk]) for u in users))
    week_people = {o.person.pk for found in week.values() for o in found}
    quiet_people = {pk for found in lists.values() for pk in found.ranked}
    muscles = _fetch(Muscle.objects.select_related("person"), week_people | quiet_people)
    contacts = _contacts_since(week_people, today - datetime.timedelta(days=DATE_LOOKAHEAD_DAYS))
    listed = {
        u.pk: _listed(
            u,
            today,
            week[u.pk],
            [muscles[pk] for pk in lists[u.pk].ranked if pk in muscles],
            muscles,
            contacts,
        )
        for u in users
    }
    firsts = _firsts([person.pk for rows in listed.values() for person, _m, _o in rows], today)
    stories = _fetch(
        Story.objects.select_related("person", "conversation"),
        [pk for found in lists.values() for pk in found.follow_ups]
        + [pk for first in firsts.values() for pk in (first.latest, first.follow_up)],
    )
    favours = _fetch(
        Favour.objects.select_related("person"),
        [pk for found in lists.values() for pk in found.favours]
        + [first.favour for first in firsts.values()],
    )
    talks = _fetch(Conversation.objects.all(), [first.talk for first in firsts.values()])
    to_meet = _fetch(
        Person.objects.annotate(last_attempt=_last_attempt()),
        [pk for found in lists.values() for pk in found.want_to_meet],
    )
    jobs = {run.name: run for run in JobRun.objects.all()}
    pages = {}
    for user in users:
        mine, people = lists[user.pk], []
        for person, muscle, occurrence in listed[user.pk]:
            first = firsts.get(person.pk, _Firsts(None, None, None, None))
            people.append(
                ReachOut(
                    person=person,
                    muscle=muscle,
                    last_conversation=talks.get(first.talk),
                    latest_story=stories.get(first.latest),
                    follow_up=stories.get(first.follow_up),
                    open_favour=favours.get(first.favour),
                    today=today,
                    occurrence=occurrence,
                )
            )
        on_list = {entry.person.pk for entry in people}
        pages[user.pk] = ReachOutPage(
            people=people,
            follow_ups=[stories[pk] for pk in mine.follow_ups if pk in stories],
            open_favours=[favours[pk] for pk in mine.favours if pk in favours],
            want_to_meet=[to_meet[pk] for pk in mine.want_to_meet if pk in to_meet],
            jobs=jobs,
            coming_up=[o for o in dates[user.pk] if o.person.pk not in on_list],
        )
    return pages


def _last_attempt() -> Greatest:
    """The last day you tried to reach someone you want to meet: a conversation or a touch."""
    return Greatest(
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


def person_snooze(*, person: Person, until: datetime.date | None = None) -> datetime.date:
    """Not now: leave someone off the reach-out list until that day, by default for one of
    their rhythms from today. Their muscle is unchanged: only when they come back."""
    until = until or timezone.localdate() + person.cadence
    Muscle.objects.filter(person=person).update(snoozed_until=until)
    return until
