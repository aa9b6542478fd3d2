"""A form with a mistake puts the cursor on the first wrong field, in view, wherever it sits:
in htmx forms and in forms that post the whole page."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.browser.conftest import log_in, screenshot

IN_VIEW = """(element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_a_mistake_far_below_gets_the_cursor_and_comes_into_view(
    page: Page, live_server: LiveServer, alice: User
):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("Name").fill("Helga Brandt")
    page.get_by_label("Address").fill("not an address")
    page.get_by_label("Name").focus()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Enter a valid email address")).to_be_visible()
    # htmx moves the cursor once the swapped form has settled: wait for it, not for a time.
    expect(page.locator("[name=channels-0-value]")).to_be_focused()
    assert page.evaluate(IN_VIEW, page.locator("[name=channels-0-value]").element_handle())
    screenshot(page, "person-form-error")


def test_a_whole_page_form_with_a_mistake_does_the_same(
    page: Page, live_server: LiveServer, alice: User
):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/account/settings/")
    page.get_by_label("People to reach out to each week").fill("50")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_text("less than or equal to 20")).to_be_visible()
    expect(page.locator("[name=reach_out_size]")).to_be_focused()
    assert page.evaluate(IN_VIEW, page.locator("[name=reach_out_size]").element_handle())
