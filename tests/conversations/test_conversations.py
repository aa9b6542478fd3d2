import datetime
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from tests.factories import ConversationFactory, PersonFactory, StoryFactory, drawn_form


def conversation_data(**overrides: str) -> dict[str, str]:
    return (
        {
            "happened_on": "2026-11-20",
            "kind": "in_person",
            "place": "Stanford dinner",
        }
        | drawn_form()
        | overrides
    )


def log_conversation(client: Client, person: Person, **overrides: str) -> HttpResponse:
    return client.post(
        reverse("conversations:create", args=[person.pk]), conversation_data(**overrides)
    )


def test_logging_a_conversation_with_two_people_and_a_story(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    jonas = PersonFactory(owner=alice, name="Jonas Weber")
    response = alice_client.post(
        reverse("conversations:create", args=[helga.pk]),
        conversation_data(
            also_there="jonas weber",
            story="Her mother's operation is in March",
            topics="family",
            ask_on="2027-03-15",
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("relationships:person", args=[helga.pk])
    conversation = Conversation.objects.get(owner=alice)
    assert set(conversation.people.all()) == {helga, jonas}
    story = conversation.stories.get()
    assert (story.person, story.topics, story.ask_on) == (
        helga,
        "family",
        datetime.date(2027, 3, 15),
    )


def test_with_htmx_it_confirms_in_place_and_reloads_the_timeline(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    response = alice_client.post(
        reverse("conversations:create", args=[helga.pk]),
        conversation_data(),
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Trigger"] == "timeline-changed"
    assert "Conversation saved to the timeline." in response.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"also_there": "Nobody Known"}, "You have no one called “Nobody Known” yet."),
        ({"happened_on": "2999-01-01"}, "This date is in the future."),
        ({"kind": "telepathy"}, "Select a valid choice."),
        ({"topics": "family"}, "Write down what they told you, to keep the topics or date."),
        ({"story": "x" * 5001}, "Ensure this value has at most 5000 characters"),
        ({"story": "ok", "ask_on": "2099-01-01"}, "Please pick a date within the next ten years."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    alice_client: Client, alice: User, overrides: dict[str, str], message: str
):
    helga = PersonFactory(owner=alice)
    response = alice_client.post(
        reverse("conversations:create", args=[helga.pk]),
        conversation_data(notes="Keep these notes") | overrides,
    )
    assert message in response.text
    assert "Keep these notes" in response.text
    assert not Conversation.objects.exists()


def test_every_unknown_name_is_reported_at_once(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    PersonFactory(owner=alice, name="Jonas Weber")
    response = log_conversation(
        alice_client, helga, also_there="Mei Tanaka, jonas weber, Tom Flecher"
    )
    assert "You have no one called “Mei Tanaka” yet." in response.text
    assert "You have no one called “Tom Flecher” yet." in response.text
    assert not Conversation.objects.exists()


def test_naming_more_people_takes_no_more_queries(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    people = [PersonFactory(owner=alice, name=f"Guest {n}") for n in range(20)]

    def queries_naming(count: int) -> int:
        names = ", ".join(p.name for p in people[:count])
        with CaptureQueriesContext(connection) as queries:
            response = log_conversation(alice_client, helga, also_there=names)
        assert response.status_code == 302
        return len(queries)

    assert queries_naming(20) == queries_naming(2)
    assert Conversation.objects.latest("pk").people.count() == 3


def test_another_users_person_cannot_be_named_as_also_there(alice_client: Client, alice, bob):
    helga = PersonFactory(owner=alice)
    PersonFactory(owner=bob, name="Bobs Friend")
    response = log_conversation(alice_client, helga, also_there="Bobs Friend")
    assert "You have no one called “Bobs Friend” yet." in response.text


def test_a_story_is_told_by_someone_who_was_there(alice_client: Client, alice: User):
    helga, outsider = PersonFactory(owner=alice), PersonFactory(owner=alice)
    conversation = ConversationFactory(owner=alice, people=[helga])
    url = reverse("conversations:story_create", args=[conversation.pk])
    response = alice_client.post(url, {"person": outsider.pk, "text": "Not there"} | drawn_form())
    assert "Select a valid choice" in response.text
    alice_client.post(url, {"person": helga.pk, "text": "Was there"} | drawn_form())
    assert list(Story.objects.values_list("text", flat=True)) == ["Was there"]


def test_stories_and_conversations_can_be_edited_and_deleted(alice_client: Client, alice: User):
    story = StoryFactory(owner=alice)
    conversation = story.conversation
    alice_client.post(
        reverse("conversations:story_edit", args=[story.pk]),
        {"person": story.person_id, "text": "Changed"},
    )
    story.refresh_from_db()
    assert story.text == "Changed"
    alice_client.post(reverse("conversations:story_delete", args=[story.pk]))
    assert not Story.objects.exists()
    alice_client.post(reverse("conversations:delete", args=[conversation.pk]))
    assert not Conversation.objects.exists()


def test_caught_up_records_a_touch_in_one_post(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    url = reverse("conversations:touch", args=[helga.pk])
    assert alice_client.get(url).status_code == 405
    response = alice_client.post(url, headers={"HX-Request": "true"})
    assert "you caught up with Helga today" in response.text
    assert Touch.objects.filter(person=helga, owner=alice).count() == 1


def test_the_names_field_suggests_people_by_the_last_name_typed(alice_client: Client, alice):
    PersonFactory(owner=alice, name="Jonas Weber")
    PersonFactory(owner=alice, name="Helga Brandt")
    html = alice_client.get(reverse("contacts:suggest"), {"also_there": "Helga Brandt, jon"}).text
    assert '<option value="Helga Brandt, Jonas Weber">' in html
    assert "Helga Brandt, Helga" not in html


def test_a_conversation_pages_through_thousands_of_stories(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    talk = ConversationFactory(owner=alice, people=[helga])
    Story.objects.bulk_create(
        Story(owner=alice, conversation=talk, person=helga, text=f"story {i:04}")
        for i in range(120)
    )
    url = reverse("conversations:detail", args=[talk.pk])
    first = alice_client.get(url).text
    assert first.count('class="story"') == 50
    (after,) = re.findall(r'href="\?after=(\d+)"', first)
    more = alice_client.get(url, {"after": after}, headers={"HX-Request": "true"}).text
    assert "<html" not in more
    assert more.count('class="story"') == 50
    assert "story 0050" in more
    assert "story 0049" not in more


def test_the_conversation_page_runs_a_fixed_number_of_queries(alice_client: Client, alice):
    def queries_with(stories: int) -> int:
        helga = PersonFactory(owner=alice)
        talk = ConversationFactory(owner=alice, people=[helga])
        Story.objects.bulk_create(
            Story(owner=alice, conversation=talk, person=helga, text=f"s {i}")
            for i in range(stories)
        )
        with CaptureQueriesContext(connection) as queries:
            alice_client.get(reverse("conversations:detail", args=[talk.pk]))
        return len(queries)

    assert queries_with(10) == queries_with(10_000)
