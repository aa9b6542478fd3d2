"""The brief: what to read in the minute before you meet someone, gathered in a fixed number of
queries however long your history with them."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch
from django.utils import timezone

from common.counts import count_of
from connections.models import Introduction
from connections.services import AroundPage, people_around
from contacts.models import DateLine, Person
from conversations.models import Conversation, Story
from favours.models import Favour

CONVERSATIONS_SHOWN = 3
STORIES_SHOWN = 1  # a conversation's first story; the count says how many more
FOLLOW_UPS_SHOWN = 5
FAVOURS_SHOWN = 6
IN_COMMON_SHOWN = 8


@dataclass
class Brief:
    person: Person
    introduction: Introduction | None
    conversations: list[Conversation]
    follow_ups: list[Story]
    favours: list[Favour]
    in_common: AroundPage
    dates: list[DateLine]
    met_sentence: str


def brief_for(*, person: Person) -> Brief:
    """The spark, how you met and who introduced you, the last few conversations with what
    they told you, the follow-ups still open, the favours both ways as history, the people
    you have in common, their dates as they next come round, and how to reach them (the
    person's dates and channels, prefetched by the caller)."""
    today = timezone.localdate()
    stories = Story.objects.select_related("person").order_by("pk")[:STORIES_SHOWN]
    conversations = (
        Conversation.objects.with_person(person)
        .order_by("-happened_on", "-created_at")
        .annotate(story_count=count_of(Story.objects.filter(conversation=OuterRef("pk"))))
        .prefetch_related(Prefetch("stories", stories, to_attr="first_stories"))[
            :CONVERSATIONS_SHOWN
        ]
    )
    return Brief(
        person=person,
        introduction=Introduction.objects.filter(person=person)
        .select_related("introducer")
        .first(),
        conversations=list(conversations),
        follow_ups=list(
            Story.objects.filter(person=person)
            .open_follow_ups()
            .order_by("ask_on", "pk")[:FOLLOW_UPS_SHOWN]
        ),
        favours=list(person.favours.order_by("-happened_on", "-created_at")[:FAVOURS_SHOWN]),
        in_common=people_around(person=person, limit=IN_COMMON_SHOWN),
        dates=[line for line in person.date_lines(today) if line.on is not None],
        met_sentence=person.met_sentence(today),
    )
