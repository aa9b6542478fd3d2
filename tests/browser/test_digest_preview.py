"""The digest preview reads like the email itself: the whole email, no scrolling inside a
frame, and its links open in the window."""

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from relationships.services.muscles import muscles_recompute
from tests.browser.conftest import log_in, screenshot
from tests.factories import PersonFactory

FITS = """(frame) => {
    const inner = frame.contentDocument.documentElement;
    return frame.clientHeight >= inner.scrollHeight;
}"""


def test_the_whole_email_shows_without_scrolling_inside_the_frame(
    page: Page, live_server: LiveServer, alice: User
):
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    for name in ("Helga Brandt", "Tom Fletcher", "Ada Weiss", "Priya Raman", "Jonas Weber"):
        PersonFactory(owner=alice, name=name, met_on=long_ago, circle="inner")
    muscles_recompute(user_ids=[alice.pk])
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/digest/preview/")
    frame = page.frame_locator("iframe.email-preview")
    expect(frame.get_by_role("link", name="Jonas Weber")).to_be_visible()
    handle = page.locator("iframe.email-preview").element_handle()
    page.wait_for_function(FITS, arg=handle)
    assert page.evaluate(
        "(frame) => [...frame.contentDocument.links].every((a) => a.target === '_top')", handle
    )
    screenshot(page, "digest-preview")
