"""Importing contacts in a real browser, in English and German, on a phone and a desk."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Channel, Person
from portability.models import ImportBatch
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations

WORDS = {
    "en": {
        "required": "Choose a vCard or CSV file to import.",
        "empty": "This file is empty.",
        "maybe": "Is Helga Brandt the same person?",
        "merge": "Yes: add to Helga Brandt",
        "new": "New",
        "errors": "Errors",
        "cut": "This card is cut off: it has no END:VCARD.",
        "next": "Next",
        "import": "Import now",
        "stopped": "It stopped without finishing",
        "retry": "Try again",
    },
    "de": {
        "required": "Wähle eine vCard- oder CSV-Datei zum Importieren.",
        "empty": "Diese Datei ist leer.",
        "maybe": "Ist Helga Brandt dieselbe Person?",
        "merge": "Ja: zu Helga Brandt hinzufügen",
        "new": "Neu",
        "errors": "Fehler",
        "cut": "Diese Karte ist abgeschnitten: Ihr fehlt END:VCARD.",
        "next": "Weiter",
        "import": "Jetzt importieren",
        "stopped": "Er ist nicht fertig geworden",
        "retry": "Noch einmal versuchen",
    },
}


def phone_book() -> bytes:
    cards = [
        "FN:Helga Brandt\r\nEMAIL:helga.other@example.org\r\nTEL:+49 171 2345678\r\n"
        "NOTE:From the climbing gym\r\nCATEGORIES:climbing,Munich\r\n",
        "FN:Jonas Weber\r\nEMAIL:jonas@example.org\r\nEMAIL:jonas at bakery\r\n",
        "N:;;;;\r\nTEL:+49 30 1234567\r\n",
        *(f"FN:Guest {i:03}\r\nEMAIL:guest{i}@example.org\r\n" for i in range(130)),
    ]
    text = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{card}END:VCARD\r\n" for card in cards)
    return (text + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\nTEL:+49").encode()


@pytest.mark.parametrize("language", ["en", "de"])
def test_import_with_errors_beside_the_field_a_paged_preview_and_a_choice(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    User.objects.filter(pk=alice.pk).update(language=language)
    words = WORDS[language]
    helga = Person.objects.create(owner=alice, name="Helga Brandt", spark="Her brooch")
    Channel.objects.create(person=helga, kind="email", value="helga@example.org")
    jonas = Person.objects.create(owner=alice, name="Jonas Weber")
    Channel.objects.create(person=jonas, kind="email", value="jonas@example.org")
    log_in(page, live_server, alice)

    page.goto(f"{live_server.url}/data/")
    page.locator("#import button[type=submit]").click()
    expect(page.locator("#id_contacts_error")).to_have_text(words["required"])
    page.locator("#id_contacts").set_input_files(
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": b""}]
    )
    page.locator("#import button[type=submit]").click()
    expect(page.locator("#id_contacts_error")).to_have_text(words["empty"])
    page.locator("#import").scroll_into_view_if_needed()
    screenshot(page, f"import-error-{language}")
    assert serious_accessibility_violations(page) == []

    page.locator("#id_contacts").set_input_files(
        files=[{"name": "phone.vcf", "mimeType": "text/vcard", "buffer": phone_book()}]
    )
    page.locator("#import button[type=submit]").click()
    expect(page.get_by_text(words["maybe"])).to_be_visible()  # the maybes come first
    screenshot(page, f"import-preview-maybe-{language}")
    assert serious_accessibility_violations(page) == []
    with page.expect_response(lambda r: r.url.endswith("/choose/")):
        page.get_by_label(words["merge"]).check()  # kept at once, with htmx

    page.locator(".import-tabs").get_by_role("link", name=words["new"]).click()
    expect(page.locator(".import-new")).to_have_count(100)
    screenshot(page, f"import-preview-new-{language}")
    page.get_by_role("link", name=words["next"]).click()
    expect(page.locator(".import-new")).to_have_count(30)
    page.locator(".import-tabs").get_by_role("link", name=words["errors"]).click()
    expect(page.get_by_text(words["cut"])).to_be_visible()
    screenshot(page, f"import-preview-errors-{language}")

    page.get_by_role("button", name=words["import"]).click()
    expect(page).to_have_url(f"{live_server.url}/people/")
    assert Person.objects.for_user(alice).count() == 2 + 130
    assert set(helga.channels.values_list("value", flat=True)) == {
        "helga@example.org",
        "helga.other@example.org",
        "+49 171 2345678",
    }
    assert {t.name for t in helga.tags.all()} == {"climbing", "Munich"}


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_stopped_import_shows_why_and_tries_again(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    User.objects.filter(pk=alice.pk).update(language=language)
    words = WORDS[language]
    message = {
        "en": "It stopped without finishing, perhaps because the server restarted.",
        "de": "Er ist nicht fertig geworden, vielleicht weil der Server neu gestartet wurde.",
    }[language]
    ImportBatch.objects.create(
        owner=alice,
        filename="phone.vcf",
        status="failed",
        error=message,
        content="BEGIN:VCARD\nFN:Helga Brandt\nEND:VCARD\n",
        total=1,
    )
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/data/")
    page.get_by_role("link", name="phone.vcf").click()  # listed while not finished
    expect(page.get_by_text(words["stopped"])).to_be_visible()
    screenshot(page, f"import-failed-{language}")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name=words["retry"]).click()
    expect(page.get_by_role("button", name=words["import"])).to_be_visible()
    page.goto(f"{live_server.url}/data/")
    page.locator("#import").scroll_into_view_if_needed()
    screenshot(page, f"import-waiting-{language}")
