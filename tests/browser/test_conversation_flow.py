import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from conversations.models import Conversation, Story
from relationships.services.muscles import muscles_recompute
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.factories import PersonFactory


def test_log_a_conversation_with_two_people_and_find_the_story(
    page: Page, live_server: LiveServer, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt", spark="Her bicycle brooch")
    PersonFactory(owner=alice, name="Jonas Weber")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/{helga.pk}/")

    page.get_by_role("link", name="Conversation").click()
    page.get_by_label("Place or event").fill("Stanford alumni dinner")
    page.get_by_label("Also there").press_sequentially("Jon")
    page.get_by_label("Also there").fill("Jonas Weber")
    page.get_by_label("What did they tell you?").fill(
        "Her mother's hip operation is planned for March."
    )
    page.get_by_label("Ask about this on").fill("2027-03-20")
    screenshot(page, "conversation-form")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Save conversation").click()

    expect(page.get_by_text("Conversation saved to the timeline.")).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline.get_by_text("hip operation is planned for March")).to_be_visible()
    expect(timeline.get_by_role("link", name="Jonas Weber")).to_be_visible()
    screenshot(page, "person-timeline")
    assert serious_accessibility_violations(page) == []
    story = Story.objects.get(owner=alice)
    assert set(story.conversation.people.values_list("name", flat=True)) == {
        "Helga Brandt",
        "Jonas Weber",
    }

    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search people, stories, conversations and favours").fill("operations")
    expect(page).to_have_url(re.compile(r"q=operations"))
    hit = page.locator("#search-results .hit").first
    expect(hit.locator("mark")).to_have_text("operation")
    expect(hit.get_by_text("Told by Helga Brandt at Stanford alumni dinner")).to_be_visible()
    screenshot(page, "search")
    assert serious_accessibility_violations(page) == []


def test_we_caught_up_and_a_favour_from_the_person_page(
    page: Page, live_server: LiveServer, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/{helga.pk}/")
    page.get_by_role("button", name="We caught up").click()
    expect(page.get_by_text("you caught up with Helga Brandt today")).to_be_visible()
    expect(page.locator("#timeline").get_by_text("You caught up.")).to_be_visible()

    page.get_by_role("link", name="Favour").click()
    page.get_by_label("They do something for me").check()
    page.get_by_label("Offered").check()
    page.get_by_label("What", exact=True).fill("Introduce me to her editor")
    page.get_by_role("button", name="Save favour").click()
    expect(
        page.locator("#timeline").get_by_text("Helga Brandt offered you a favour")
    ).to_be_visible()
    screenshot(page, "favour-timeline")


def test_add_a_story_to_a_conversation_in_place(page: Page, live_server: LiveServer, alice: User):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    conversation = Conversation.objects.create(owner=alice, place="Stanford alumni dinner")
    conversation.people.add(helga)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/{helga.pk}/")
    page.get_by_role("link", name="Add a story").click()
    page.get_by_label("What they told you").fill("Her daughter starts school in Lisbon.")
    page.get_by_role("button", name="Save story").click()
    expect(
        page.locator("#timeline").get_by_text("Her daughter starts school in Lisbon.")
    ).to_be_visible()
    assert page.url == f"{live_server.url}/people/{helga.pk}/"


def test_the_strength_shows_a_conversation_saved_in_place_without_a_reload(
    page: Page, live_server: LiveServer, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt", met_on=None)
    muscles_recompute(user_ids=[alice.pk])
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/{helga.pk}/")
    expect(page.locator(".strength")).to_contain_text("0 of 100")

    page.get_by_role("link", name="Conversation").click()
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation saved to the timeline.")).to_be_visible()
    # One talk in person today: 100 x (1 - e^(-4/8)) = 39.
    expect(page.locator(".strength")).to_contain_text("39 of 100")


SEARCH_LABEL = {
    "en": "Search people, stories, conversations and favours",
    "de": "Menschen, Geschichten, Gespräche und Gefallen durchsuchen",
}


@pytest.mark.parametrize("language", SEARCH_LABEL)
def test_search_finds_a_name_spelt_either_way_once(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    User.objects.filter(pk=alice.pk).update(language=language)
    PersonFactory(owner=alice, name="Katharina Engel", spark="Runs the Umzug of the repair café")
    PersonFactory(owner=alice, name="Jonas Weber", spark="")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/search/")
    field = page.get_by_label(SEARCH_LABEL[language])
    hits = page.locator("#search-results .hit")
    # Found by the words and by the name's likeness, she is one hit.
    field.fill("Katharina")
    expect(page).to_have_url(re.compile(r"q=Katharina"))
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark").first).to_have_text("Katharina")
    # Misspelt, the name's likeness alone finds her.
    field.fill("Katarina")
    expect(page).to_have_url(re.compile(r"q=Katarina"))
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Katharina Engel")
    expect(field).to_be_focused()
    screenshot(page, f"search-misspelt-{language}")
    assert serious_accessibility_violations(page) == []
