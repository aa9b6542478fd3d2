"""Double and triple clicks, as an impatient thumb makes them, on every button that creates
something: each makes exactly one object."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Person
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from tests.browser.conftest import log_in
from tests.factories import ConversationFactory, PersonFactory


def settle(page: Page) -> None:
    """Every request the clicks started has been answered."""
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("clicks", [2, 3])
def test_every_create_button_makes_one_object_however_often_it_is_clicked(
    page: Page, live_server: LiveServer, alice: User, clicks: int
):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    talk = ConversationFactory(owner=alice, people=[helga], place="Dinner")
    log_in(page, live_server, alice)

    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_role("button", name="Save").click(click_count=clicks)
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    settle(page)
    assert Person.objects.filter(owner=alice, name="Ada Lovelace").count() == 1

    page.goto(f"{live_server.url}/people/{helga.pk}/")
    page.get_by_role("link", name="Conversation").click()
    page.get_by_label("Place or event").fill("Book fair")
    page.get_by_role("button", name="Save").click(click_count=clicks)
    expect(page.get_by_text("Conversation saved to the timeline.")).to_be_visible()
    settle(page)
    assert Conversation.objects.filter(owner=alice, place="Book fair").count() == 1

    page.get_by_role("link", name="Favour").click()
    page.get_by_label("I do something for them").check()
    page.get_by_label("What").fill("Lend the tent")
    page.get_by_role("button", name="Save").click(click_count=clicks)
    expect(page.get_by_text("Favour saved to the timeline.")).to_be_visible()
    settle(page)
    assert Favour.objects.filter(owner=alice, what="Lend the tent").count() == 1

    page.get_by_role("button", name="We caught up").click(click_count=clicks)
    expect(page.get_by_text("you caught up with Helga Brandt today")).to_be_visible()
    settle(page)
    assert Touch.objects.filter(person=helga).count() == 1

    page.goto(f"{live_server.url}/conversations/{talk.pk}/")
    page.get_by_label("What they told you").fill("Moving to Lisbon")
    page.get_by_role("button", name="Save story").click(click_count=clicks)
    expect(page.get_by_text("Story saved.")).to_be_visible()
    settle(page)
    assert Story.objects.filter(owner=alice, text="Moving to Lisbon").count() == 1
