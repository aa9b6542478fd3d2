"""This week's reach-out list, with why and how to start, and what else is due."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from common.dates import cadence, time_ago
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from relationships.models import JobRun, Muscle

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


def person_snooze(*, person: Person, until: datetime.date | None = None) -> datetime.date:
    """Not now: leave someone off the reach-out list until that day, by default for one of
    their rhythms from today. Their muscle is unchanged: only when they come back."""
    until = until or timezone.localdate() + person.cadence
    Muscle.objects.filter(person=person).update(snoozed_until=until)
    return until
