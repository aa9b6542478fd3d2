from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from conversations.models import Touch
from digest.services import Action, action_token
from tests.browser.conftest import screenshot, serious_accessibility_violations
from tests.factories import PersonFactory


def test_a_digest_link_acts_in_one_tap_on_a_phone_without_logging_in(
    page: Page, live_server: LiveServer, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    token = action_token(Action(alice.pk, "caught_up", helga.pk))
    page.goto(f"{live_server.url}/digest/{token}/")
    expect(page.get_by_role("heading", name="Caught up with Helga Brandt?")).to_be_visible()
    screenshot(page, "digest-confirm")
    assert serious_accessibility_violations(page) == []
    assert not Touch.objects.exists()
    page.get_by_role("button", name="Yes, we caught up").click()
    expect(page.get_by_text("you caught up with Helga Brandt today")).to_be_visible()
    assert Touch.objects.filter(owner=alice, person=helga).count() == 1
