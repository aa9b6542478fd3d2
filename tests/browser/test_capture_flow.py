"""Quick capture on a phone, in a real browser: three people in a row, no connection, a double
tap, an expired session, and the weight of the first load."""

import gzip
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, Response, expect
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Person
from conversations.models import Story
from tests.browser.conftest import (
    VIEWPORTS,
    close_page,
    log_in,
    open_page,
    screenshot,
    serious_accessibility_violations,
)
from tests.conftest import PASSWORD
from tests.factories import PersonFactory

FIRST_LOAD_LIMIT = 60 * 1024


def open_capture(page: Page, live_server: LiveServer, user: User) -> None:
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/capture/")


def capture(page: Page, name: str, story: str) -> None:
    page.get_by_label("Who").fill(name)
    page.get_by_label("What they told you").fill(story)
    page.get_by_role("button", name="Save, then next person").click()


def sign_in(page: Page, user: User) -> None:
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_capture_three_people_from_one_event_in_a_row(page: Page, live_server: LiveServer, alice):
    log_in(page, live_server, alice)
    sizes: list[int] = []

    def weigh(response: Response) -> None:
        if response.url.startswith(live_server.url):
            sizes.append(len(gzip.compress(response.body())))

    page.on("response", weigh)
    page.goto(f"{live_server.url}/capture/")
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", weigh)
    print(f"capture page first load: {sum(sizes) / 1024:.1f} KB compressed, {len(sizes)} files")
    assert sum(sizes) <= FIRST_LOAD_LIMIT
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Where").fill("Founders breakfast")
    capture(page, "Priya Raman", "Moving her team to Lisbon.")
    expect(page.locator("#capture-status")).to_have_text("Saved Priya Raman.")
    expect(page.get_by_label("Where")).to_have_value("Founders breakfast")
    expect(page.get_by_label("Who")).to_be_focused()
    capture(page, "Jonas Weber", "Rebuilding his grandfather's bakery.")
    expect(page.locator("#capture-status")).to_have_text("Saved Jonas Weber.")
    capture(page, "Ingrid Larsen", "Mentors three founders a year.")
    expect(page.locator("#capture-status")).to_have_text("Saved Ingrid Larsen.")
    screenshot(page, "capture-three")
    people = Person.objects.filter(owner=alice, met_at="Founders breakfast")
    assert sorted(people.values_list("name", flat=True)) == [
        "Ingrid Larsen",
        "Jonas Weber",
        "Priya Raman",
    ]
    assert Story.objects.filter(owner=alice).count() == 3


def test_an_entry_made_offline_is_sent_once_when_back_online(
    phone: Page, live_server: LiveServer, alice: User
):
    open_capture(phone, live_server, alice)
    phone.context.set_offline(True)
    capture(phone, "Tom Fletcher", "Passed his route-setting exam.")
    expect(phone.locator("#capture-status")).to_contain_text("waiting to send on this phone: 1")
    screenshot(phone, "capture-offline")
    assert not Person.objects.filter(name="Tom Fletcher").exists()
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#capture-status")).to_have_text("Saved Tom Fletcher.")
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush sends nothing
    phone.reload()
    expect(phone.get_by_label("Who")).to_have_value("")
    assert Person.objects.filter(owner=alice, name="Tom Fletcher").count() == 1


def test_a_draft_survives_a_reload(phone: Page, live_server: LiveServer, alice: User):
    open_capture(phone, live_server, alice)
    phone.get_by_label("Who").fill("Mei Tanaka")
    phone.get_by_label("What they told you").fill("Learning German through Brecht songs.")
    phone.reload()
    expect(phone.get_by_label("Who")).to_have_value("Mei Tanaka")
    expect(phone.get_by_label("What they told you")).to_have_value(
        "Learning German through Brecht songs."
    )


def test_a_double_tap_creates_one_entry(phone: Page, live_server: LiveServer, alice: User):
    open_capture(phone, live_server, alice)
    phone.get_by_label("Who").fill("Elif Yilmaz")
    phone.get_by_role("button", name="Save, then next person").dblclick()
    expect(phone.locator("#capture-status")).to_have_text("Saved Elif Yilmaz.")
    assert Person.objects.filter(owner=alice, name="Elif Yilmaz").count() == 1


def test_a_known_person_is_picked_instead_of_a_duplicate(
    phone: Page, live_server: LiveServer, alice: User
):
    PersonFactory(owner=alice, name="Katharina Engel", met_at="Repair café")
    open_capture(phone, live_server, alice)
    phone.get_by_label("Who").press_sequentially("Katarina")
    phone.get_by_role("button", name=re.compile("Katharina Engel")).click()
    phone.get_by_label("What they told you").fill("The school lends the music room.")
    phone.get_by_role("button", name="Save, then next person").click()
    expect(phone.locator("#capture-status")).to_have_text("Saved Katharina Engel.")
    assert Person.objects.filter(owner=alice, name__startswith="Katharina").count() == 1


def test_an_expired_session_keeps_the_entry_through_the_login(
    phone: Page, live_server: LiveServer, alice: User
):
    open_capture(phone, live_server, alice)
    phone.context.clear_cookies()  # the session ends while the page is open
    capture(phone, "Samuel Brooks", "Asked about my grandmother.")
    link = phone.get_by_role("link", name="Log in again to send it")
    expect(link).to_be_visible()
    screenshot(phone, "capture-logged-out")
    assert not Person.objects.filter(name="Samuel Brooks").exists()
    link.click()
    sign_in(phone, alice)
    expect(phone.locator("#capture-status")).to_have_text("Saved Samuel Brooks.")
    assert Person.objects.filter(owner=alice, name="Samuel Brooks").count() == 1


def test_typing_after_the_session_ended_offers_a_login_back_to_the_draft(
    phone: Page, live_server: LiveServer, alice: User
):
    open_capture(phone, live_server, alice)
    phone.context.clear_cookies()
    phone.get_by_label("Who").fill("Noor Haddad")
    link = phone.get_by_role("link", name="Log in again")
    expect(link).to_be_visible()
    expect(phone.locator("#matches")).to_be_empty()
    screenshot(phone, "capture-session-ended")
    link.click()
    sign_in(phone, alice)
    expect(phone.get_by_label("Who")).to_have_value("Noor Haddad")
    expect(phone.locator("#matches")).to_be_empty()


def test_an_entry_made_offline_survives_closing_the_tab(
    phone: Page, live_server: LiveServer, alice: User
):
    open_capture(phone, live_server, alice)
    phone.context.set_offline(True)
    capture(phone, "Clara Meyer", "Reads every book twice.")
    expect(phone.locator("#capture-status")).to_contain_text("waiting to send on this phone: 1")
    context = phone.context
    phone.close()
    context.set_offline(False)
    again = context.new_page()
    again.goto(f"{live_server.url}/capture/")
    expect(again.locator("#capture-status")).to_have_text("Saved Clara Meyer.")
    assert Person.objects.filter(owner=alice, name="Clara Meyer").count() == 1


def another_tab(page: Page) -> Page:
    tab = page.context.new_page()
    tab.set_default_timeout(10_000)
    tab.viewport_name = page.viewport_name  # type: ignore[attr-defined]
    return tab


def kept_offline(page: Page) -> dict[str, list[str]]:
    """Every URL in every cache of the origin, by cache name."""
    return page.evaluate(
        """async () => {
            const kept = {};
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                kept[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
            }
            return kept;
        }"""
    )


def wait_until_capture_opens_offline(page: Page) -> None:
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.match('/capture/offline/'))"
    )


def capture_storage(page: Page) -> list[str]:
    return page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('knotwork.capture'))"
    )


def test_capture_opens_with_no_connection_and_sends_the_entry_once(
    phone: Page, live_server: LiveServer, alice: User
):
    open_capture(phone, live_server, alice)
    wait_until_capture_opens_offline(phone)
    assert [w.url for w in phone.context.service_workers] == [f"{live_server.url}/capture/sw.js"]
    phone.context.set_offline(True)
    fresh = another_tab(phone)
    phone.close()
    response = fresh.goto(f"{live_server.url}/capture/")
    assert response is not None
    assert response.from_service_worker
    expect(fresh.locator("#capture-form")).to_have_attribute("data-account", "")
    capture(fresh, "Tom Fletcher", "Passed his route-setting exam.")
    expect(fresh.locator("#capture-status")).to_have_text(
        "No connection. Entries waiting to send on this phone: 1."
    )
    screenshot(fresh, "capture-opened-offline")
    assert not Person.objects.filter(name="Tom Fletcher").exists()
    fresh.context.set_offline(False)
    fresh.evaluate("window.dispatchEvent(new Event('online'))")
    expect(fresh.locator("#capture-status")).to_have_text("Saved Tom Fletcher.")
    fresh.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush sends nothing
    fresh.reload()
    expect(fresh.locator("#capture-form")).not_to_have_attribute("data-account", "")
    expect(fresh.locator("#capture-status")).to_be_empty()
    assert Person.objects.filter(owner=alice, name="Tom Fletcher").count() == 1


def test_after_logout_no_page_with_user_data_is_served_from_any_cache(
    phone: Page, live_server: LiveServer, alice: User
):
    katharina = PersonFactory(owner=alice, name="Katharina Engel", met_at="Repair café")
    her_page = reverse("relationships:person", args=[katharina.pk])
    log_in(phone, live_server, alice)
    phone.goto(f"{live_server.url}/people/")
    phone.goto(f"{live_server.url}{her_page}")
    phone.goto(f"{live_server.url}/capture/")
    wait_until_capture_opens_offline(phone)
    phone.get_by_label("Who").press_sequentially("Katarina")
    expect(phone.get_by_role("button", name=re.compile("Katharina Engel"))).to_be_visible()
    capture(phone, "Tom Fletcher", "Passed his route-setting exam.")
    expect(phone.locator("#capture-status")).to_have_text("Saved Tom Fletcher.")
    phone.reload()  # the service worker answers this one, and keeps the shell afresh
    expect(phone.locator("#capture-form")).not_to_have_attribute("data-account", "")
    (kept,) = kept_offline(phone).values()
    assert set(kept) == {"/capture/offline/"} | {url for url in kept if url.startswith("/static/")}

    phone.goto(f"{live_server.url}/account/settings/")
    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_label("Password")).to_be_visible()
    assert kept_offline(phone) == {}
    assert capture_storage(phone) == []
    phone.go_back()  # back to Settings: asked of the server again, which wants a login
    expect(phone.get_by_label("Password")).to_be_visible()
    assert alice.email not in phone.content()
    phone.context.set_offline(True)
    for path in ("/capture/", "/", "/people/", her_page):
        with pytest.raises(PlaywrightError, match=r"net::ERR_(INTERNET_DISCONNECTED|FAILED)"):
            phone.goto(f"{live_server.url}{path}")


def test_two_people_on_one_phone_never_get_or_see_each_others_entries(
    phone: Page, live_server: LiveServer, alice: User, bob: User
):
    alices = phone
    open_capture(alices, live_server, alice)
    wait_until_capture_opens_offline(alices)
    alices.context.set_offline(True)
    capture(alices, "Tom Fletcher", "Passed his route-setting exam.")
    expect(alices.locator("#capture-status")).to_contain_text("waiting to send on this phone: 1")
    alices.get_by_label("Who").fill("Hanna Berg")
    alices.get_by_label("What they told you").fill("Her brother is ill.")

    # Alice's session ends with all that still on the phone, and Bob logs in on it.
    alices.context.clear_cookies()
    alices.context.set_offline(False)
    log_in(alices, live_server, bob)
    bobs = another_tab(alices)
    bobs.goto(f"{live_server.url}/capture/")
    expect(bobs.get_by_label("Who")).to_have_value("")
    expect(bobs.get_by_label("What they told you")).to_have_value("")
    expect(bobs.locator("#capture-status")).to_be_empty()

    # Alice's page, still open, tries to send: the server refuses it for Bob's session.
    alices.evaluate("window.dispatchEvent(new Event('online'))")
    expect(alices.locator("#capture-status")).to_contain_text("Another account is logged in now")

    capture(bobs, "Ben Adeyemi", "Gave a talk on accessibility.")
    expect(bobs.locator("#capture-status")).to_have_text("Saved Ben Adeyemi.")
    bobs.reload()
    wait_until_capture_opens_offline(bobs)
    bobs.context.set_offline(True)
    bobs_offline = another_tab(bobs)
    bobs_offline.goto(f"{live_server.url}/capture/")
    expect(bobs_offline.locator("#capture-form")).to_have_attribute("data-account", "")
    expect(bobs_offline.get_by_label("Who")).to_have_value("")
    expect(bobs_offline.locator("#capture-status")).to_be_empty()
    for page in (bobs, bobs_offline):
        for alices_words in ("Tom Fletcher", "Hanna Berg", "Her brother is ill."):
            assert alices_words not in page.content()
    bobs.context.set_offline(False)
    assert list(Person.objects.filter(owner=bob).values_list("name", flat=True)) == ["Ben Adeyemi"]
    assert not Person.objects.filter(owner=alice).exists()

    # Alice logs back in: her entry is sent to her, and her draft is back.
    for page in (alices, bobs_offline):
        page.close()
    bobs.context.clear_cookies()
    log_in(bobs, live_server, alice)
    bobs.goto(f"{live_server.url}/capture/")
    expect(bobs.locator("#capture-status")).to_have_text("Saved Tom Fletcher.")
    expect(bobs.get_by_label("Who")).to_have_value("Hanna Berg")
    expect(bobs.get_by_label("What they told you")).to_have_value("Her brother is ill.")
    assert Person.objects.filter(owner=alice, name="Tom Fletcher").count() == 1
    assert not Person.objects.filter(owner=bob, name="Tom Fletcher").exists()


def test_the_offline_page_stops_working_for_an_account_once_someone_signs_in(
    phone: Page, live_server: LiveServer, alice: User, bob: User
):
    open_capture(phone, live_server, alice)
    wait_until_capture_opens_offline(phone)
    phone.get_by_label("Who").fill("Hanna Berg")
    phone.context.clear_cookies()  # Alice's session ends with her draft on the phone
    phone.goto(f"{live_server.url}/account/login/")
    sign_in(phone, bob)  # Bob signs in, and does not open capture while online
    expect(phone.get_by_role("link", name="Settings")).to_be_visible()
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/capture/")
    expect(phone.locator("#capture-status")).to_have_text(
        "Connect and log in to capture: this phone does not know your account yet."
    )
    expect(phone.get_by_label("Who")).to_have_value("")
    expect(phone.get_by_role("button", name="Save, then next person")).to_be_disabled()


def leave_two_entries_waiting_then_open_settings(
    page: Page, live_server: LiveServer, alice: User
) -> Page:
    """Two entries typed after the session ended; logged in again, the next page is Settings."""
    open_capture(page, live_server, alice)
    page.context.clear_cookies()
    capture(page, "Tom Fletcher", "Passed his route-setting exam.")
    capture(page, "Clara Meyer", "Reads every book twice.")
    expect(page.locator("#logged-out")).to_contain_text("waiting to send on this phone: 2")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/account/settings/")
    return page


def test_logging_out_with_entries_waiting_deletes_them_only_when_confirmed(
    page: Page, live_server: LiveServer, alice: User
):
    settings = leave_two_entries_waiting_then_open_settings(page, live_server, alice)
    settings.get_by_role("button", name="Log out").click()
    warning = settings.locator(".logout-waiting")
    expect(warning).to_contain_text("waiting to send on this phone: 2")
    expect(settings.get_by_role("button", name="Log out", exact=True)).to_be_hidden()
    screenshot(settings, "capture-logout-waiting")
    assert serious_accessibility_violations(settings) == []
    assert settings.url == f"{live_server.url}/account/settings/"
    assert len(capture_storage(settings)) == 3  # the account, its entries, tonight's event

    settings.get_by_role("button", name="Delete them and log out").click()
    expect(settings.get_by_label("Password")).to_be_visible()
    assert capture_storage(settings) == []
    sign_in(settings, alice)
    settings.goto(f"{live_server.url}/capture/")
    settings.wait_for_load_state("networkidle")
    expect(settings.locator("#capture-status")).to_be_empty()
    assert not Person.objects.exists()


def test_entries_waiting_at_logout_can_be_sent_first(
    phone: Page, live_server: LiveServer, alice: User
):
    settings = leave_two_entries_waiting_then_open_settings(phone, live_server, alice)
    settings.get_by_role("button", name="Log out").click()
    settings.get_by_role("link", name="Send them first").click()
    expect(settings.locator("#capture-status")).to_have_text("Saved Clara Meyer.")
    assert Person.objects.filter(owner=alice).count() == 2
    settings.goto(f"{live_server.url}/account/settings/")
    settings.get_by_role("button", name="Log out").click()  # nothing waits: out at once
    expect(settings.get_by_label("Password")).to_be_visible()
    assert capture_storage(settings) == []


def test_an_expired_session_shows_one_logged_out_notice(
    phone: Page, live_server: LiveServer, alice: User
):
    open_capture(phone, live_server, alice)
    phone.context.clear_cookies()
    phone.get_by_label("Who").fill("Samuel Brooks")  # the name lookup finds the session gone
    expect(phone.get_by_role("link", name="Log in again")).to_be_visible()
    phone.get_by_role("button", name="Save, then next person").click()  # and so does sending
    expect(phone.locator("#logged-out")).to_contain_text("waiting to send on this phone: 1")
    expect(phone.get_by_text("You were logged out")).to_have_count(1)
    expect(phone.get_by_role("link", name=re.compile("Log in again"))).to_have_count(1)
    expect(phone.locator("#capture-status")).to_be_empty()


def test_the_name_error_goes_once_a_name_is_typed(phone: Page, live_server: LiveServer, alice):
    open_capture(phone, live_server, alice)
    phone.get_by_role("button", name="Save, then next person").click()
    status = phone.locator("#capture-status")
    expect(status).to_have_text("Who did you meet? Type a name.")
    expect(phone.get_by_label("Who")).to_have_attribute("aria-invalid", "true")
    phone.get_by_label("Who").press_sequentially("Sa")
    expect(status).to_be_empty()
    expect(phone.get_by_label("Who")).not_to_have_attribute("aria-invalid", "true")


def test_matches_are_easy_to_tap_on_a_phone(phone: Page, live_server: LiveServer, alice: User):
    PersonFactory(owner=alice, name="Katharina Engel", met_at="Parents' evening, Grundschule")
    PersonFactory(owner=alice, name="Katrin Albers-Hohenstein", met_at="")
    open_capture(phone, live_server, alice)
    phone.get_by_label("Who").press_sequentially("Kat")
    match = phone.get_by_role("button", name=re.compile("Katharina Engel"))
    expect(match).to_be_visible()
    screenshot(phone, "capture-matches")
    name = match.locator(".match-name").bounding_box()
    where = match.locator(".match-where").bounding_box()
    assert name is not None
    assert where is not None
    assert name["height"] < 40  # the name on one line, not broken into syllables
    assert where["y"] >= name["y"] + name["height"] - 1  # where you met sits below it
    toggle = phone.get_by_text("Birthday, a favour, how to reach them")
    assert phone.locator(".more summary").bounding_box()["height"] >= 44  # type: ignore[index]
    toggle.click()
    expect(phone.get_by_label("A favour offered")).to_be_visible()


ERRORS = {
    "en": {"who": "Who", "email": "Email", "save": "Save, then next person"},
    "de": {"who": "Wer", "email": "E-Mail", "save": "Speichern, dann nächster Mensch"},
}


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_errors_stand_beside_their_fields_and_keep_what_was_typed(
    browser: Browser, live_server: LiveServer, alice: User, language: str, script: bool
):
    User.objects.filter(pk=alice.pk).update(language=language)
    words = ERRORS[language]
    for viewport in VIEWPORTS:
        page = open_page(browser, viewport, javascript=script)
        open_capture(page, live_server, alice)
        page.get_by_label(words["who"], exact=True).fill("Helga Brandt")
        page.get_by_text(re.compile("Birthday|Geburtstag")).first.click()
        page.get_by_label(words["email"]).fill("helga at example")
        page.get_by_label(re.compile("^(Day|Tag)")).select_option("31")
        page.get_by_label(re.compile("^(Month|Monat)")).select_option("2")
        page.get_by_role("button", name=words["save"]).click()

        email = page.get_by_label(words["email"])
        expect(email).to_have_attribute("aria-invalid", "true")
        expect(page.locator(".field.invalid", has=email).locator(".errors")).to_be_visible()
        expect(page.locator(".field.invalid .errors")).to_have_count(2)  # email, and 31 February
        expect(page.get_by_label(words["who"], exact=True)).to_have_value("Helga Brandt")
        if script:  # the cursor on the first field to mend, in view
            expect(page.locator("[aria-invalid=true]").first).to_be_focused()
        screenshot(page, f"capture-errors-{language}-{'script' if script else 'no-script'}")
        close_page(page)
