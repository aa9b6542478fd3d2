import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from favours.models import MY_ASKS, Favour
from tests.factories import FavourFactory, PersonFactory, drawn_form


def favour_data(**overrides: str) -> dict[str, str]:
    return (
        {
            "giver": "them",
            "origin": "asked",
            "what": "An introduction",
            "happened_on": "2026-11-01",
            "status": "open",
        }
        | drawn_form()
        | overrides
    )


def test_recording_a_favour_they_offered(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    alice_client.post(reverse("favours:create", args=[helga.pk]), favour_data(origin="offered"))
    favour = Favour.objects.get(owner=alice, person=helga)
    assert (favour.giver, favour.origin, favour.status) == ("them", "offered", "open")
    assert not Favour.objects.filter(MY_ASKS).exists()  # an offer is not an ask


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"what": ""}, "This field is required."),
        ({"giver": "nobody"}, "Select a valid choice."),
        ({"status": "owed"}, "Select a valid choice."),
        ({"what": "x" * 301}, "Ensure this value has at most 300 characters"),
    ],
)
def test_bad_favours_are_explained(alice_client: Client, alice: User, overrides, message):
    helga = PersonFactory(owner=alice)
    response = alice_client.post(
        reverse("favours:create", args=[helga.pk]), favour_data(**overrides)
    )
    assert message in response.text
    assert not Favour.objects.exists()


def test_a_favours_status_and_outcome_can_change(alice_client: Client, alice: User):
    favour = FavourFactory(person=PersonFactory(owner=alice))
    alice_client.post(
        reverse("favours:edit", args=[favour.pk]),
        favour_data(status="done", outcome="She introduced me the next day."),
    )
    favour.refresh_from_db()
    assert (favour.status, favour.outcome) == ("done", "She introduced me the next day.")


def test_the_headline_tells_who_did_what_without_a_balance():
    helga = PersonFactory.build(name="Helga")
    assert Favour(person=helga, giver="them", origin="asked").headline() == (
        "You asked Helga for a favour"
    )
    assert Favour(person=helga, giver="me", origin="asked").headline() == (
        "Helga asked you for a favour"
    )
