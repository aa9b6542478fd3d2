"""Faces, work and home town in a real browser, in English and German, on a phone and a desktop:
take a photo of someone and see it on their page, in the list and on the reach-out card; find
everyone at a company, and everyone in a city."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Person
from relationships.models import Muscle
from relationships.services.muscles import muscles_recompute
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.contacts.test_photos import phone_photo
from tests.dates import days_ago
from tests.factories import PersonFactory, image_bytes

WORDS = {
    "en": {
        "photo of": "Photo of Helga Brandt",
        "take": "Take a photo",
        "change": "Change photo",
        "remove": "Remove photo",
        "cut off": "This photo is cut off",
        "people": "People",
        "works at": "Works at",
        "travelling": "Travelling? Find who lives in a city",
        "travelling to": "Travelling to",
        "in berlin": "2 people in berlin",
        "where": "Where your people live",
    },
    "de": {
        "photo of": "Foto von Helga Brandt",
        "take": "Foto machen",
        "change": "Foto ändern",
        "remove": "Foto entfernen",
        "cut off": "Dieses Foto ist abgeschnitten",
        "people": "Menschen",
        "works at": "Arbeitet bei",
        "travelling": "Auf Reisen? Finde, wer in einer Stadt wohnt",
        "travelling to": "Unterwegs nach",
        "in berlin": "2 Personen in berlin",
        "where": "Wo deine Menschen wohnen",
    },
}


def speaking(user: User, language: str) -> User:
    User.objects.filter(pk=user.pk).update(language=language)
    return user


def loaded(image: Locator) -> None:
    """The picture arrived from the server and was decoded, not just its element."""
    expect(image).to_be_visible()
    image.page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


@pytest.mark.parametrize("language", WORDS)
def test_a_photo_taken_on_the_person_page_shows_there_in_the_list_and_on_the_card(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    speaking(alice, language)
    helga = PersonFactory(
        owner=alice,
        name="Helga Brandt",
        met_on=days_ago(300),
        role="Chair",
        organisation="Deutscher Alpenverein",
        city="München",
    )
    PersonFactory(owner=alice, name="Tom Fletcher", met_on=days_ago(300))
    muscles_recompute(user_ids=[alice.pk])
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{helga.get_absolute_url()}")
    camera = page.get_by_text(words["take"])
    phone = page.viewport_name == "phone"  # type: ignore[attr-defined]
    expect(camera).to_be_visible() if phone else expect(camera).to_be_hidden()
    screenshot(page, f"faces-person-without-photo-{language}")

    # A file that was cut off on its way is refused beside the buttons, and nothing changes.
    chooser = page.locator('.photo-form input[type="file"]').nth(1 if phone else 0)
    chooser.set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()[:-3000]}]
    )
    expect(page.locator("#photo-errors")).to_contain_text(words["cut off"])
    # The cursor goes to the buttons, beside the message, whichever the screen shows.
    expect(page.locator('.photo-form input[type="file"]:focus')).to_have_count(1)
    screenshot(page, f"faces-photo-refused-{language}")

    chooser = page.locator('.photo-form input[type="file"]').nth(1 if phone else 0)
    chooser.set_input_files(
        files=[{"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    photo = page.get_by_role("img", name=words["photo of"])
    loaded(photo)
    expect(page.locator("#photo-errors")).to_have_count(0)
    helga.refresh_from_db()
    assert helga.photo
    # Taken held upright: shown as a portrait, as the phone's owner saw it.
    size = photo.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
    assert size == [384, 512]
    screenshot(page, f"faces-person-with-photo-{language}")
    assert serious_accessibility_violations(page) == []
    page.get_by_text(words["change"]).click()
    expect(page.get_by_role("button", name=words["remove"])).to_be_visible()
    screenshot(page, f"faces-change-photo-{language}")

    page.get_by_role("link", name=words["people"]).first.click()
    loaded(page.locator(f'#results img[src="{helga.thumbnail_url}"]'))
    expect(page.locator("#results .avatar", has_text="T")).to_be_visible()  # Tom has none
    screenshot(page, f"faces-people-{language}")

    page.goto(f"{live_server.url}/")
    loaded(page.locator(f'.reach-list img[src="{helga.thumbnail_url}"]'))
    screenshot(page, f"faces-reach-out-{language}")


@pytest.mark.parametrize("language", WORDS)
def test_everyone_at_a_company_and_everyone_in_a_city(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    speaking(alice, language)
    for name, organisation, role, city, circle, strength in [
        ("Sophie Lambert", "Zalando", "Product manager", "Berlin", "wider", 40),
        ("Tom Fletcher", "Zalando SE", "Engineer", "Hamburg", "close", 55),
        ("Jonas Weber", "Bäckerei Weber eG", "Baker", "berlin", "inner", 80),
        ("Helga Brandt", "Deutscher Alpenverein", "Chair", "München", "inner", 70),
    ]:
        person = PersonFactory(
            owner=alice,
            name=name,
            organisation=organisation,
            role=role,
            city=city,
            circle=circle,
        )
        # Strength as if they had been in touch; the recompute at commit made the row.
        Muscle.objects.filter(person=person).update(strength=strength, last_contact_on=days_ago(40))
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/")

    page.get_by_label(words["works at"]).fill("zalando")
    expect(page).to_have_url(re.compile(r"organisation=zalando"))
    results = page.locator("#results")
    expect(results.get_by_text("Sophie Lambert")).to_be_visible()
    expect(results.get_by_text("Tom Fletcher")).to_be_visible()
    expect(results.get_by_text("Jonas Weber")).to_have_count(0)
    screenshot(page, f"faces-works-at-{language}")

    page.get_by_role("link", name=words["travelling"]).click()
    expect(page.get_by_role("heading", name=words["where"])).to_be_visible()
    screenshot(page, f"faces-travelling-cities-{language}")
    page.get_by_label(words["travelling to"]).fill("berlin")
    expect(page.get_by_role("heading", name=words["in berlin"])).to_be_visible()
    # The closest first: Jonas, inner circle, before Sophie, wider.
    names = page.locator("#travelling-results .who strong").all_inner_texts()
    assert names == ["Jonas Weber", "Sophie Lambert"]
    screenshot(page, f"faces-travelling-berlin-{language}")
    assert serious_accessibility_violations(page) == []
    assert Person.objects.for_user(alice).count() == 4
