import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from conversations.models import Touch
from relationships.services.muscles import muscles_recompute_all
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.factories import PersonFactory


def test_someone_met_long_ago_appears_and_caught_up_removes_them(
    page: Page, live_server: LiveServer, alice: User
):
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    PersonFactory(
        owner=alice,
        name="Helga Brandt",
        circle="inner",
        is_knot=True,
        met_at="Stanford alumni dinner",
        met_on=long_ago,
    )
    PersonFactory(owner=alice, name="Tom Fletcher", met_at="Climbing gym", met_on=long_ago)
    muscles_recompute_all()
    log_in(page, live_server, alice)

    page.goto(live_server.url)
    helga = page.locator(".reach", has_text="Helga Brandt")
    expect(helga).to_contain_text("You met at Stanford alumni dinner 13 months ago.")
    expect(page.locator(".reach").first).to_contain_text("Helga Brandt")  # knots come first
    expect(page.get_by_text("Relationships last updated")).to_be_visible()
    screenshot(page, "reach-out")
    assert serious_accessibility_violations(page) == []

    helga.get_by_role("button", name="Caught up").click()
    expect(page.get_by_text("you caught up with Helga Brandt today")).to_be_visible()
    expect(page.locator(".reach", has_text="Helga Brandt")).to_have_count(0)
    expect(page.locator(".reach", has_text="Tom Fletcher")).to_have_count(1)
    assert Touch.objects.filter(person__name="Helga Brandt").count() == 1
    screenshot(page, "reach-out-after")

    page.locator(".reach", has_text="Tom Fletcher").get_by_role("button", name="Not now").click()
    expect(page.get_by_text("Nobody has gone quiet")).to_be_visible()
