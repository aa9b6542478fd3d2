"""Signing in with two-factor in a real browser, on a phone and a desktop, in English and
German: the code prompt names recovery codes, a wrong code is said beside the field, the login
page starts over, a recovery code signs in, and the welcome uses your name."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.accounts.test_allauth_pages import with_two_factor
from tests.browser.conftest import screenshot, serious_accessibility_violations
from tests.conftest import PASSWORD

WORDS = {
    "en": {
        "email": "Email",
        "password": "Password",
        "sign in": "Sign in",
        "heading": "Two-factor authentication",
        "recovery": "recovery codes works here too",
        "wrong": "Incorrect code.",
        "welcome": "Welcome back, Alice.",
        "passkey": "Passkey",
    },
    "de": {
        "email": "E-Mail",
        "password": "Passwort",
        "sign in": "Anmelden",
        "heading": "Zwei-Faktor-Authentifizierung",
        "recovery": "Wiederherstellungscodes geht hier auch",
        "wrong": "Falscher Code.",
        "welcome": "Schön, dass du wieder da bist, Alice.",
        "passkey": "Passkey",
    },
}


@pytest.mark.parametrize("language", WORDS)
def test_sign_in_with_a_second_factor(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    codes = with_two_factor(alice)
    # Signed out, the language comes from Django's language cookie (the browser's is English).
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])

    def password_step() -> None:
        page.goto(f"{live_server.url}/account/login/")
        page.get_by_label(words["email"], exact=True).fill(alice.email)
        page.get_by_label(words["password"], exact=True).fill(PASSWORD)
        page.get_by_role("button", name=words["sign in"], exact=True).click()

    page.goto(f"{live_server.url}/account/login/")
    screenshot(page, f"allauth-login-{language}")
    assert serious_accessibility_violations(page) == []
    password_step()
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    expect(page.get_by_text(words["recovery"])).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name=words["sign in"], exact=True).click()
    expect(page.locator("#id_code_error")).to_have_text(words["wrong"])
    screenshot(page, f"allauth-wrong-code-{language}")
    assert serious_accessibility_violations(page) == []

    # Start over from the login page, and sign in with a recovery code.
    password_step()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name=words["sign in"], exact=True).click()
    expect(page.get_by_text(words["welcome"])).to_be_visible()
    screenshot(page, f"allauth-welcome-{language}")

    page.goto(f"{live_server.url}/account/2fa/")
    screenshot(page, f"allauth-two-factor-{language}")
    assert serious_accessibility_violations(page) == []
    page.goto(f"{live_server.url}/account/2fa/webauthn/add/")
    expect(page.get_by_text(words["passkey"], exact=True)).to_be_visible()
    screenshot(page, f"allauth-add-passkey-{language}")
