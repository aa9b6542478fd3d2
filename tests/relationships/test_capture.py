import uuid

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contacts.models import Channel, Person
from conversations.models import Conversation, Story
from favours.models import Favour
from relationships.models import Capture
from tests.factories import PersonFactory

JSON = {"Accept": "application/json"}


def entry(**fields: str) -> dict[str, str]:
    return {
        "key": str(uuid.uuid4()),
        "name": "Helga Brandt",
        "event": "Stanford alumni dinner",
        "spark": "Her bicycle brooch",
        "story": "Crossed the Alps by bicycle at sixty.",
        "favour_giver": "me",
    } | fields


def test_a_capture_records_the_person_meeting_story_favour_and_channels(
    alice_client: Client, alice: User
):
    response = alice_client.post(
        reverse("relationships:capture"),
        entry(
            ask_on="2027-01-15",
            favour="Send her the route map",
            email="helga@example.org",
            phone="+49 89 123456",
        ),
        headers=JSON,
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Saved Helga Brandt."
    helga = Person.objects.get(owner=alice, name="Helga Brandt")
    assert (helga.spark, helga.met_at) == ("Her bicycle brooch", "Stanford alumni dinner")
    conversation = Conversation.objects.get(owner=alice)
    assert (conversation.kind, conversation.place) == ("in_person", "Stanford alumni dinner")
    assert Story.objects.get(person=helga).ask_on.isoformat() == "2027-01-15"
    assert Favour.objects.get(person=helga).what == "Send her the route map"
    assert set(Channel.objects.filter(person=helga).values_list("value", flat=True)) == {
        "helga@example.org",
        "+49 89 123456",
    }


def test_the_same_entry_sent_twice_is_recorded_once(alice_client: Client, alice: User):
    data = entry()
    first = alice_client.post(reverse("relationships:capture"), data, headers=JSON)
    again = alice_client.post(reverse("relationships:capture"), data, headers=JSON)
    assert first.json() == again.json()
    assert Person.objects.for_user(alice).count() == 1
    assert Conversation.objects.for_user(alice).count() == 1
    assert Capture.objects.count() == 1


def test_picking_someone_known_adds_to_them_instead_of_a_duplicate(alice_client, alice):
    helga = PersonFactory(owner=alice, name="Helga Brandt", spark="")
    alice_client.post(
        reverse("relationships:capture"),
        entry(person=str(helga.pk), name="Helga Brandt"),
        headers=JSON,
    )
    assert Person.objects.for_user(alice).count() == 1
    helga.refresh_from_db()
    assert helga.spark == "Her bicycle brooch"
    assert Story.objects.get().person == helga


def test_another_users_person_cannot_be_picked(alice_client: Client, alice: User, bob: User):
    bobs = PersonFactory(owner=bob)
    response = alice_client.post(
        reverse("relationships:capture"), entry(person=str(bobs.pk)), headers=JSON
    )
    assert response.status_code == 400
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Who did you meet? Type a name."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"story": "", "ask_on": "2027-01-01"}, "story", "Write down what they told you"),
        ({"key": "not-a-uuid"}, "key", "Enter a valid UUID."),
    ],
)
def test_bad_input_is_explained_field_by_field(alice_client, alice, fields, field, message):
    response = alice_client.post(reverse("relationships:capture"), entry(**fields), headers=JSON)
    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]["message"]
    assert not Person.objects.exists()


def test_without_javascript_the_form_posts_and_comes_back_for_the_next_person(alice_client, alice):
    response = alice_client.post(reverse("relationships:capture"), entry(), follow=True)
    assert "Saved Helga Brandt." in response.text
    assert 'value="Stanford alumni dinner"' in response.text
    assert response.redirect_chain[-1][0] == "/capture/?event=Stanford+alumni+dinner"


def test_names_are_matched_as_you_type_even_misspelt(alice_client: Client, alice, bob):
    PersonFactory(owner=alice, name="Katharina Engel")
    PersonFactory(owner=bob, name="Katharina Secret")
    html = alice_client.get(reverse("relationships:capture_matches"), {"name": "Katarina"}).text
    assert "Katharina Engel" in html
    assert "Katharina Secret" not in html


def test_the_capture_page_is_installable(alice_client: Client):
    html = alice_client.get(reverse("relationships:capture")).text
    assert 'rel="manifest"' in html
