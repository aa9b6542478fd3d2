"""Accounts you can trust, in a real browser: sign up, turn on an authenticator app, log in
with a code and once with a recovery code; add a passkey and log in with it alone (Chromium's
virtual authenticator); see the devices signed in; make a token, not asked for the password
just given at login, and after giving it again end on the tokens page. On a phone and a
desktop, and the pages in German."""

import datetime
import re
import time
from urllib.parse import urlsplit

import pyotp
import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import AccessToken, User
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.conftest import PASSWORD


def at_a_fresh_period() -> time_machine.travel:
    """The clock at the start of a 30-second TOTP period, still running: a code typed now
    cannot run out before it is sent."""
    now = int(time.time())
    return time_machine.travel(
        datetime.datetime.fromtimestamp(now - now % 30 + 30, tz=datetime.UTC), tick=True
    )


def sign_up(page: Page, live_server: LiveServer, email: str) -> None:
    """Sign up and confirm the address from the email: a second factor needs a verified one,
    so that no one can lock the address's owner out of an account made in their name."""
    page.goto(f"{live_server.url}/account/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    (message,) = [m for m in mail.outbox if m.to == [email]]
    (link,) = re.findall(r"https?://\S+/account/confirm-email/\S+", message.body)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have confirmed")).to_be_visible()


def confirm_password(page: Page) -> None:
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def log_out(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/account/logout/")
    page.locator("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def log_in_with_password(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_turn_on_an_authenticator_app_and_log_in_with_a_code_and_a_recovery_code(
    page: Page, live_server: LiveServer
):
    email = f"totp-{page.viewport_name}@example.org"  # type: ignore[attr-defined]
    sign_up(page, live_server, email)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    screenshot(page, "two-factor-off")
    page.get_by_role("link", name="Activate").click()
    confirm_password(page)
    expect(page.locator(".qr svg")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "two-factor-activate")
    totp = pyotp.TOTP(page.get_by_label("Authenticator secret").input_value())
    with at_a_fresh_period():
        page.get_by_label("Authenticator code").fill(totp.now())
        page.get_by_role("button", name="Activate").click()
        expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    screenshot(page, "recovery-codes")

    log_out(page, live_server)
    log_in_with_password(page, email)
    expect(page.get_by_label("Code")).to_be_visible()
    with at_a_fresh_period():
        page.get_by_label("Code").fill(totp.now())
        screenshot(page, "two-factor-code")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("link", name="Settings")).to_be_visible()

    log_out(page, live_server)
    log_in_with_password(page, email)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()

    log_out(page, live_server)
    log_in_with_password(page, email)
    page.get_by_label("Code").fill(codes[0])  # spent
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)


@pytest.fixture
def passkeys_on_loopback(settings) -> None:
    # The test server speaks plain http; a real one speaks https.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


def test_add_a_passkey_and_log_in_with_it_alone(
    page: Page, live_server: LiveServer, passkeys_on_loopback: None
):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    email = f"passkey-{page.viewport_name}@example.org"  # type: ignore[attr-defined]
    sign_up(page, live_server, email)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Passkeys").click()
    screenshot(page, "passkeys-none")
    page.goto(f"{live_server.url}/account/2fa/webauthn/add/")
    confirm_password(page)
    page.get_by_label("Name").fill("This laptop")
    page.get_by_label("Passkey", exact=True).check()
    screenshot(page, "passkey-add")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    page.goto(f"{live_server.url}/account/2fa/webauthn/")
    expect(page.get_by_text("This laptop")).to_be_visible()
    screenshot(page, "passkeys-one")

    log_out(page, live_server)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    assert User.objects.get(email=email).last_login is not None
    # The passkey just given counts: a token is made without asking for the password.
    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_label("Name").fill("Shortcut")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_label("Token", exact=True)).to_have_value(re.compile(r"^knot_"))
    expect(page.get_by_role("heading", name="Confirm it is you")).to_have_count(0)


def test_sessions_and_a_token_in_english_and_german(
    page: Page, live_server: LiveServer, alice: User
):
    page.goto(f"{live_server.url}/account/login/")
    log_in_with_password(page, alice.email)
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    page.goto(f"{live_server.url}/account/sessions/")
    expect(page.get_by_text("This device")).to_be_visible()
    screenshot(page, "sessions")
    assert serious_accessibility_violations(page) == []
    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_label("Name").fill("Phone shortcut")
    page.get_by_text("Read and write").click()
    page.get_by_role("button", name="Make token").click()
    # Just logged in with the password: it counts as given, and is not asked for again.
    secret = page.get_by_label("Token", exact=True).input_value()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_have_count(0)
    assert re.fullmatch(r"knot_[\w-]{43}", secret)
    screenshot(page, "token-made")
    assert serious_accessibility_violations(page) == []
    assert AccessToken.objects.get(owner=alice).scope == "write"

    User.objects.filter(pk=alice.pk).update(language="de")
    page.goto(f"{live_server.url}/account/settings/")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    screenshot(page, "settings-de")
    page.get_by_role("link", name="Zwei-Faktor-Authentifizierung").click()
    expect(page.get_by_role("heading", name="Zwei-Faktor-Authentifizierung")).to_be_visible()
    screenshot(page, "two-factor-de")
    page.goto(f"{live_server.url}/account/sessions/")
    expect(page.get_by_text("Dieses Gerät")).to_be_visible()
    screenshot(page, "sessions-de")
    page.goto(f"{live_server.url}/account/tokens/")
    expect(page.locator(".tokens strong")).to_have_text("Phone shortcut")
    expect(page.get_by_text("Noch nie benutzt.")).to_be_visible()
    screenshot(page, "tokens-de")


def test_a_token_made_after_the_password_shows_on_the_tokens_page(
    page: Page, live_server: LiveServer, alice: User
):
    log_in(page, live_server, alice)  # a session in which no password was given
    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_label("Name").fill("Laptop script")
    page.get_by_role("button", name="Make token").click()
    confirm_password(page)
    # The address bar ends at the tokens page, not allauth's page that asked.
    expect(page).to_have_url(f"{live_server.url}/account/tokens/")
    secret = page.get_by_label("Token", exact=True)
    expect(secret).to_have_value(re.compile(r"^knot_[\w-]{43}$"))
    expect(page.locator(".tokens strong")).to_have_text("Laptop script")
    screenshot(page, "token-after-password")
    page.reload()  # a GET: nothing is sent again, and the secret is gone
    expect(page.locator(".tokens strong")).to_have_text("Laptop script")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    assert AccessToken.objects.filter(owner=alice).count() == 1
