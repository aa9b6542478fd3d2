import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from contacts.models import Person
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.conftest import PASSWORD


def test_sign_up_add_a_person_and_find_them(page: Page, live_server: LiveServer):
    page.goto(f"{live_server.url}/account/signup/")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_text("Nobody has gone quiet")).to_be_visible()
    screenshot(page, "home-new-user")
    page.get_by_role("link", name="People").click()
    expect(page.get_by_text("No one here yet")).to_be_visible()
    screenshot(page, "people-empty")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Add your first person").click()
    page.get_by_label("Name").fill("Helga Brandt")
    page.get_by_label("Spark").fill("Her brooch shaped like a tiny bicycle")
    page.get_by_label("Where we met").fill("Stanford alumni dinner")
    page.get_by_label("Address").fill("helga@example.org")
    page.get_by_label("Tags").fill("mentor, Munich")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "person-form")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Helga Brandt")).to_be_visible()
    expect(page.get_by_text("Her brooch shaped like a tiny bicycle")).to_be_visible()
    screenshot(page, "person-page")
    assert serious_accessibility_violations(page) == []
    helga = Person.objects.get(name="Helga Brandt", owner__email="newcomer@example.org")
    assert helga.owner.time_zone == "Europe/Berlin"  # filled in from the browser

    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add person").click()
    page.get_by_label("Name").fill("Tom Fletcher")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Tom Fletcher")).to_be_visible()
    page.get_by_role("link", name="People").click()
    page.get_by_label("Search people").fill("brooch")
    expect(page).to_have_url(re.compile(r"q=brooch"))  # pushed once the results arrived
    expect(page.locator("#results").get_by_text("Tom Fletcher")).to_have_count(0)
    expect(page.locator("#results").get_by_text("Helga Brandt")).to_be_visible()
    screenshot(page, "people-search")


def test_edit_in_place_and_archive_with_htmx(page: Page, live_server: LiveServer, alice: User):
    person = Person.objects.create(owner=alice, name="Jonas Weber", spark="Bakery co-op")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(f"{live_server.url}/people/{person.pk}/")  # swapped in, not navigated
    page.get_by_label("Name").fill("Jonas Weber-Schmidt")
    page.get_by_label("Address").fill("not an email")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a valid email address")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Jonas Weber-Schmidt")
    screenshot(page, "person-edit-error")
    page.get_by_label("Address").fill("jonas@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Jonas Weber-Schmidt")).to_be_visible()
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("button", name="Bring back")).to_be_visible()
    person.refresh_from_db()
    assert person.archived


def test_a_tag_is_typed_with_suggestions_and_filters_the_list(
    page: Page, live_server: LiveServer, alice: User
):
    for name, tag in [("Helga Brandt", "Sailing"), ("Tom Fletcher", "Saunas")]:
        Person.objects.create(owner=alice, name=name).tags.create(owner=alice, name=tag)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/")
    tag = page.get_by_label("Tag")
    tag.press_sequentially("sai")
    options = page.locator("#tag-suggestions option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "Sailing"
    # A suggestion never takes the address bar from the list's own filters.
    assert re.search(r"/people/(\?|$)", page.url)
    tag.fill("Sailing")
    tag.dispatch_event("change")
    expect(page).to_have_url(re.compile(r"/people/\?.*tag=Sailing"))
    expect(page.locator("#results").get_by_text("Tom Fletcher")).to_have_count(0)
    expect(page.locator("#results").get_by_text("Helga Brandt")).to_be_visible()
    screenshot(page, "people-tag-filter")
