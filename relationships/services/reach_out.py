"""This week's reach-out list, with why and how to start, and what else is due."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
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


def _first_each(queryset: QuerySet[Any], people: list[int], order: list[str]) -> dict[int, Any]:
    """The first row in that order for each of a few people, by person: one statement of one
    small `LIMIT 1` per person, each read through an index from its end, where DISTINCT ON
    would read and sort every row of everyone's."""
    if not people:
        return {}
    first, *others = (
        queryset.filter(person_id=person).annotate(for_person=Value(person)).order_by(*order)[:1]
        for person in people
    )
    return {row.for_person: row for row in first.union(*others, all=True)}


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


def _listed(
    user: User, today: datetime.date, dates: list[Occurrence]
) -> list[tuple[Person, Muscle | None, Occurrence | None]]:
    """Who is on this week's list, in order, each once, at most the user's number: knots who
    have been quiet far too long, then people with a date within the week (the soonest first),
    then the quiet ones by tier and how far overdue. The rule is in docs/muscles.md."""
    size = user.reach_out_size
    listed = Muscle.objects.for_user(user).filter(person__archived=False).select_related("person")
    quiet = listed.filter(quiet=True).exclude(snoozed_until__gte=today)
    week = [
        o
        for o in dates
        if o.on <= today + datetime.timedelta(days=DATE_LOOKAHEAD_DAYS)
        and o.person.status == Person.Status.KNOWN
    ]
    dated_muscles = {m.person_id: m for m in listed.filter(person__in={o.person.pk for o in week})}
    # Knots quiet far too long first, then by tier and how far overdue: one query, with room
    # for the people that dates take to the front.
    far = Q(person__is_knot=True, overdue__gte=FAR_TOO_LONG)
    ordered = quiet.annotate(far=Case(When(far, then=Value(True)), default=Value(False)))
    ranked = list(ordered.order_by("-far", "tier", "-overdue", "person_id")[: size + len(week)])
    contacts = _contacts_since(
        {o.person.pk for o in week}, today - datetime.timedelta(days=DATE_LOOKAHEAD_DAYS)
    )
    dated: dict[int, Occurrence] = {}
    for o in week:
        muscle = dated_muscles.get(o.person.pk)
        snoozed = muscle and muscle.snoozed_until and muscle.snoozed_until >= today
        # Once you have been in touch in the week before the day, the date has done its work.
        lead = o.on - datetime.timedelta(days=DATE_LOOKAHEAD_DAYS)
        in_touch = any(day >= lead for day in contacts.get(o.person.pk, []))
        if not (snoozed or in_touch):
            dated.setdefault(o.person.pk, o)  # the soonest of a person's dates
    chosen: dict[int, tuple[Person, Muscle | None, Occurrence | None]] = {}
    for m in ranked:
        if m.far:
            chosen.setdefault(m.person_id, (m.person, m, dated.get(m.person_id)))
    for pk, o in dated.items():
        chosen.setdefault(pk, (o.person, dated_muscles.get(pk), o))
    for m in ranked:
        chosen.setdefault(m.person_id, (m.person, m, None))
    return list(chosen.values())[:size]


def reach_out(*, user: User) -> ReachOutPage:
    """This week's few people to reach out to, why, and how to start; follow-ups due; open
    favours; people to meet; dates in the weeks after; and when the background jobs last ran.
    A fixed number of queries."""
    today = timezone.localdate()
    dates = PersonDate.objects.for_user(user).upcoming(today=today, days=COMING_UP_DAYS)
    listed = _listed(user, today, dates)
    ids = [person.pk for person, _muscle, _date in listed]
    stories = Story.objects.select_related("conversation")
    due = Q(ask_on__lte=today + FOLLOW_UP_LOOKAHEAD)
    latest = _first_each(stories, ids, ["-conversation__happened_on", "-created_at"])
    follow_ups_by_person = _first_each(stories.open_follow_ups().filter(due), ids, ["ask_on"])
    favours = _first_each(
        Favour.objects.filter(status=Favour.Status.OPEN), ids, ["-happened_on", "-created_at"]
    )
    talks = Conversation.objects.alias(person_id=F("people"))
    last_talks = _first_each(talks, ids, ["-happened_on", "-created_at"])
    people = [
        ReachOut(
            person=person,
            muscle=muscle,
            last_conversation=last_talks.get(person.pk),
            latest_story=latest.get(person.pk),
            follow_up=follow_ups_by_person.get(person.pk),
            open_favour=favours.get(person.pk),
            today=today,
            occurrence=occurrence,
        )
        for person, muscle, occurrence in listed
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
        coming_up=[o for o in dates if o.person.pk not in ids],
    )


def person_snooze(*, person: Person, until: datetime.date | None = None) -> datetime.date:
    """Not now: leave someone off the reach-out list until that day, by default for one of
    their rhythms from today. Their muscle is unchanged: only when they come back."""
    until = until or timezone.localdate() + person.cadence
    Muscle.objects.filter(person=person).update(snoozed_until=until)
    return until
