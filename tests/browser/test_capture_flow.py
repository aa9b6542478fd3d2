"""Quick capture on a phone, in a real browser: three people in a row, no connection, a double
tap, an expired session, and the weight of the first load."""

import gzip
import re

from playwright.sync_api import Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Person
from conversations.models import Story
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
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
    page.get_by_role("button", name="Sign In").click()


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
