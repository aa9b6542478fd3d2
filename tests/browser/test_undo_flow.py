"""Undo in a real browser, in English and German, on a phone and a desktop: delete a story and a
date, each at once, and bring each back with the Undo beside the message."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import PersonDate
from conversations.models import Story
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.factories import ConversationFactory, PersonDateFactory, PersonFactory, StoryFactory

WORDS = {
    "en": {
        "delete story": "Delete story",
        "story deleted": "Story deleted.",
        "edit": "Edit",
        "delete date": "Delete date",
        "date deleted": "Date deleted.",
        "undo": "Undo",
        "undone": "Undone: it is back as it was.",
    },
    "de": {
        "delete story": "Geschichte löschen",
        "story deleted": "Geschichte gelöscht.",
        "edit": "Bearbeiten",
        "delete date": "Datum löschen",
        "date deleted": "Datum gelöscht.",
        "undo": "Rückgängig",
        "undone": "Rückgängig gemacht: Es ist wieder da, wie es war.",
    },
}


@pytest.mark.parametrize("language", WORDS)
def test_a_deleted_story_and_date_come_back_with_undo(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    conversation = ConversationFactory(owner=alice, place="Stanford dinner")
    conversation.people.add(helga)
    story = StoryFactory(
        owner=alice, conversation=conversation, person=helga, text="She sailed to Gotland."
    )
    date = PersonDateFactory(person=helga)
    log_in(page, live_server, alice)

    # A story: deleted at once, no question asked; the message offers it back.
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    page.get_by_role("button", name=words["delete story"]).click()
    message = page.locator(".messages .message")
    expect(message).to_contain_text(words["story deleted"])
    expect(page.get_by_text("She sailed to Gotland.")).to_have_count(0)
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"undo-story-deleted-{language}")
    message.get_by_role("button", name=words["undo"]).click()
    expect(page.locator(".messages")).to_contain_text(words["undone"])
    expect(page.get_by_text("She sailed to Gotland.")).to_be_visible()
    assert Story.objects.filter(pk=story.pk).exists()

    # A date, deleted in place on the person's page: the Undo takes the cursor.
    page.goto(f"{live_server.url}{helga.get_absolute_url()}")
    dates = page.locator("#dates")
    dates.get_by_role("link", name=words["edit"]).first.click()
    page.get_by_role("button", name=words["delete date"]).click()
    expect(page.locator("#dates")).to_contain_text(words["date deleted"])
    undo = page.locator("#dates").get_by_role("button", name=words["undo"])
    expect(undo).to_be_focused()
    assert not PersonDate.objects.filter(pk=date.pk).exists()
    screenshot(page, f"undo-date-deleted-{language}")
    undo.click()
    expect(page.locator(".messages")).to_contain_text(words["undone"])
    assert PersonDate.objects.filter(pk=date.pk).exists()
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"undo-date-back-{language}")
