import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from relationships.models import Muscle
from relationships.services.muscles import muscles_recompute
from relationships.services.timeline import TIMELINE_PAGE_SIZE, Cursor, timeline_page
from tests.dates import NOW, TODAY, days_ago
from tests.factories import (
    ConversationFactory,
    FavourFactory,
    PersonFactory,
    TouchFactory,
    drawn_form,
)


@time_machine.travel(TODAY)
def test_the_timeline_merges_everything_newest_first(alice: User):
    helga = PersonFactory(owner=alice, met_on=days_ago(400), met_at="Stanford alumni dinner")
    ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(30))
    FavourFactory(person=helga, happened_on=days_ago(10))
    TouchFactory(person=helga, happened_on=days_ago(2))
    ConversationFactory(owner=alice, happened_on=days_ago(1))  # with someone else

    entries, earlier = timeline_page(person=helga)
    assert [(e.kind, (TODAY - e.day).days) for e in entries] == [
        ("touch", 2),
        ("favour", 10),
        ("conversation", 30),
        ("met", 400),
    ]
    assert earlier is None


def test_the_timeline_pages_and_says_when_there_is_more(alice: User):
    helga = PersonFactory(owner=alice)
    Touch.objects.bulk_create(
        Touch(owner=alice, person=helga, happened_on=TODAY - datetime.timedelta(days=i))
        for i in range(TIMELINE_PAGE_SIZE + 5)
    )
    first, earlier = timeline_page(person=helga)
    assert earlier is not None
    second, earliest = timeline_page(person=helga, before=Cursor.parse(str(earlier)))
    assert (len(first), len(second), earliest) == (TIMELINE_PAGE_SIZE, 5, None)
    assert first[-1].day > second[0].day


def test_the_person_page_shows_stories_and_favours_without_a_balance(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga")
    conversation = ConversationFactory(owner=alice, people=[helga], place="Stanford dinner")
    Story.objects.create(
        owner=alice,
        conversation=conversation,
        person=helga,
        text="Her mother's operation is in March",
        ask_on=TODAY,
    )
    FavourFactory(person=helga, what="An introduction to her editor")
    FavourFactory(person=helga, giver="me", origin="offered", what="Lent her my panniers")
    html = alice_client.get(reverse("relationships:person", args=[helga.pk])).text
    assert "Her mother&#x27;s operation is in March" in html
    assert "Ask about this on" in html
    assert "You asked Helga for a favour" in html
    assert "You offered Helga a favour" in html
    for ledger_word in ("owes", "balance", "debt"):
        assert ledger_word not in html.lower().replace("favours are not debts", "")


def only_asked_lately(person: Person) -> bool:
    muscles_recompute(user_ids=[person.owner_id])
    return Muscle.objects.get(person=person).only_asks


@time_machine.travel(NOW)
def test_it_notices_when_the_only_recent_contact_was_an_ask(alice: User):
    helga = PersonFactory(owner=alice)
    ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(200))
    FavourFactory(person=helga, happened_on=days_ago(20))  # I asked her
    assert only_asked_lately(helga)
    TouchFactory(person=helga, happened_on=days_ago(5))
    assert not only_asked_lately(helga)


@time_machine.travel(NOW)
def test_the_last_three_months_include_the_90th_day(alice: User):
    helga = PersonFactory(owner=alice)
    FavourFactory(person=helga, happened_on=days_ago(20))  # I asked her
    ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(91))
    assert only_asked_lately(helga)
    ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(90))
    assert not only_asked_lately(helga)


@time_machine.travel(NOW)
def test_favours_offered_or_done_for_them_are_not_asks(alice: User):
    helga = PersonFactory(owner=alice)
    FavourFactory(person=helga, giver="me", origin="asked", happened_on=days_ago(20))
    assert not only_asked_lately(helga)
    assert not only_asked_lately(PersonFactory(owner=alice))


@time_machine.travel(NOW)
def test_the_person_page_says_so_plainly(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    FavourFactory(person=helga, happened_on=days_ago(3))
    muscles_recompute(user_ids=[alice.pk])
    html = alice_client.get(reverse("relationships:person", args=[helga.pk])).text
    assert "only been in touch with Helga to ask for something" in html


@time_machine.travel(NOW)
def test_the_person_page_shows_the_muscle_and_when_to_reach_out(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, circle="inner", met_on=days_ago(400))
    ConversationFactory(owner=alice, people=[helga], kind="in_person", happened_on=days_ago(90))
    tom = PersonFactory(owner=alice, circle="inner", met_on=days_ago(5))
    muscles_recompute(user_ids=[alice.pk])

    def card(person: Person) -> str:
        return alice_client.get(reverse("relationships:person", args=[person.pk])).text

    # 4 x 0.5^(90/90) = 2, so 100 x (1 - e^(-2/8)) = 22.1; inner circle: due 21 days after.
    assert "22 of 100" in card(helga)
    assert "overdue since 15 September 2026" in card(helga)  # days_ago(69)
    assert "by 9 December 2026" in card(tom)  # 21 days after 18 November
    wanted = PersonFactory(owner=alice, status="want_to_meet")
    muscles_recompute(user_ids=[alice.pk])
    assert "of 100" not in card(wanted)  # no muscle before we have met


# How the person's page says the next reach-out: the person, the days since you last talked,
# and what it says, with the day it names. TODAY is 23 November 2026.
NEXT_REACH_OUT = {
    "met long ago, nothing since": (
        {"met_on": datetime.date(1993, 11, 21)},
        None,
        "Now: you have not been in touch since you met, 33 years ago.",
    ),
    "met recently": ({"met_on": days_ago(5)}, None, "by 16 February 2027"),
    "added, never met": (
        {"met_on": None},
        None,
        "Now: you have not been in touch since you added them, 6 months ago.",
    ),
    "talked a while ago": ({"met_on": days_ago(400)}, 120, "overdue since 24 October 2026"),
    "talked years ago": (
        {"met_on": days_ago(4000)},
        1200,
        "Now: you were last in touch 3 years ago.",
    ),
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("fields", "talked", "said"), NEXT_REACH_OUT.values(), ids=NEXT_REACH_OUT)
def test_the_next_reach_out_says_what_is_true(
    alice_client: Client,
    alice: User,
    fields: dict,
    talked: int | None,
    said: str,
):
    """Never a due day counted from a day long past: "overdue since 19 February 1994" for
    someone met then, with nothing recorded since."""
    helga = PersonFactory(owner=alice, circle="wider", **fields)
    Person.objects.filter(pk=helga.pk).update(created_at=NOW - datetime.timedelta(days=200))
    if talked is not None:
        ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(talked))
    muscles_recompute(user_ids=[alice.pk])
    page = alice_client.get(reverse("relationships:person", args=[helga.pk])).text
    shown = re.search(r"Next reach-out</dt>\s*<dd>(.*?)</dd>", page, re.DOTALL)
    assert shown
    assert shown[1] == said


def test_the_timeline_reloads_as_a_partial_for_htmx(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    TouchFactory(person=helga)
    response = alice_client.get(
        reverse("relationships:person", args=[helga.pk]),
        {"part": "timeline"},
        headers={"HX-Request": "true"},
    )
    assert 'id="timeline"' in response.text
    assert "<html" not in response.text


def fill_history(owner: User, person: Person, items: int) -> None:
    """`items` timeline entries, a third each conversations (with two stories), favours, touches."""
    third = items // 3
    conversations = Conversation.objects.bulk_create(
        Conversation(owner=owner, happened_on=days_ago(i % 3000), notes=f"talk {i}")
        for i in range(third)
    )
    Conversation.people.through.objects.bulk_create(
        Conversation.people.through(conversation=c, person=person) for c in conversations
    )
    Story.objects.bulk_create(
        Story(owner=owner, conversation=c, person=person, text=f"story {n}")
        for c in conversations
        for n in range(2)
    )
    Favour.objects.bulk_create(
        Favour(owner=owner, person=person, giver="me", what=f"favour {i}", happened_on=days_ago(i))
        for i in range(third)
    )
    Touch.objects.bulk_create(
        Touch(owner=owner, person=person, happened_on=days_ago(i)) for i in range(items - 2 * third)
    )


@pytest.mark.parametrize("earlier", [False, True])
def test_the_person_page_runs_a_fixed_number_of_queries(
    alice_client: Client, alice: User, earlier: bool
):
    def queries_with(items: int) -> int:
        person = PersonFactory(owner=alice, met_on=days_ago(5000))
        fill_history(alice, person, items)
        url = reverse("relationships:person", args=[person.pk])
        if earlier:  # the page a "Show earlier" link leads to, however far back
            url += re.findall(r'href="(\?before=[^"]+)"', alice_client.get(url).text)[0]
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(url).status_code == 200
        return len(queries)

    small = queries_with(60)
    assert queries_with(10_000) == small
    assert small <= 14


def test_a_conversation_with_thousands_of_stories_shows_a_few_and_links_to_all(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice)
    talk = ConversationFactory(owner=alice, people=[helga])
    Story.objects.bulk_create(
        Story(owner=alice, conversation=talk, person=helga, text=f"story {i}") for i in range(500)
    )
    html = alice_client.get(reverse("relationships:person", args=[helga.pk])).text
    assert html.count('class="story"') == 3
    assert "All 500 stories" in html


@pytest.mark.django_db(transaction=True)
def test_the_card_shows_the_new_strength_once_a_conversation_is_saved_in_place(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga", met_on=None)
    muscles_recompute(user_ids=[alice.pk])
    page = reverse("relationships:person", args=[helga.pk])
    htmx = {"HX-Request": "true"}
    assert "0 of 100" in alice_client.get(f"{page}?part=side", headers=htmx).text

    response = alice_client.post(
        reverse("conversations:create", args=[helga.pk]),
        {"happened_on": timezone.localdate().isoformat(), "kind": "in_person"} | drawn_form(),
        headers=htmx,
    )
    assert response.headers["HX-Trigger"] == "timeline-changed"  # the card listens for it
    side = alice_client.get(f"{page}?part=side", headers=htmx).text
    assert 'hx-trigger="timeline-changed from:body"' in side
    # One in-person talk today: 100 x (1 - e^(-4/8)) = 39.
    assert "39 of 100" in side


def test_the_timeline_names_who_else_was_there_without_a_trailing_comma(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga")
    sabine = PersonFactory(owner=alice, name="Sabine Kühn")
    ConversationFactory(owner=alice, people=[helga, sabine])
    html = alice_client.get(reverse("relationships:person", args=[helga.pk])).text
    assert f'With <a href="{sabine.get_absolute_url()}">Sabine Kühn</a></p>' in html


def test_each_topic_is_its_own_chip(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    talk = ConversationFactory(owner=alice, people=[helga])
    Story.objects.create(
        owner=alice, conversation=talk, person=helga, text="Sailing", topics="family, sailing,"
    )
    html = alice_client.get(reverse("relationships:person", args=[helga.pk])).text
    assert '<span class="tag">family</span><span class="tag">sailing</span>' in html
