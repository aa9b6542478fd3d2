"""In a real browser: stored script never runs, and the Content Security Policy stops any that
would."""

from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.browser.conftest import log_in
from tests.test_escaping import attack
from tests.walk import seed_account


def test_the_policy_blocks_a_script_injected_into_a_page(
    page: Page, live_server: LiveServer, alice: User
):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/")
    outcome = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation",
                (event) => resolve(`blocked by ${event.effectiveDirective}`), { once: true });
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            setTimeout(() => resolve(window.injected ? "ran" : "neither"), 5000);
        })"""
    )
    assert outcome == "blocked by script-src-elem"
    assert page.evaluate("window.injected") is None
    page.policy_violations.clear()  # type: ignore[attr-defined]  # this one was the point


def test_stored_script_never_runs_on_any_main_page(
    page: Page, live_server: LiveServer, alice: User, alice_client
):
    seeded = seed_account(alice, attack, alice_client)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(dialog.message))
    log_in(page, live_server, alice)
    person = seeded.objects["pk"].pk
    for path in ("/", f"/people/{person}/", "/people/", "/search/?q=xss", "/digest/preview/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert errors == []
    assert page.locator("text=<script>xss(").count() >= 1  # shown, as text
