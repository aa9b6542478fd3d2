"""Headless Chromium for browser tests: the system's Chromium if there is one, else Playwright's."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from accounts.models import User

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = next((Path(__file__).parent.parent / "data").glob("axe-core-*.min.js"))
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 360, "height": 780}}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def open_page(browser: Browser, viewport: str, *, javascript: bool = True) -> Page:
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport=VIEWPORTS[viewport],
        locale="en-GB",
        timezone_id="Europe/Berlin",
        is_mobile=viewport == "phone",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = viewport  # type: ignore[attr-defined]
    page.policy_violations = []  # type: ignore[attr-defined]
    page.on("console", lambda message: _note_policy_violation(page, message.text))
    return page


def _note_policy_violation(page: Page, text: str) -> None:
    if "Content Security Policy" in text:
        page.policy_violations.append(text)  # type: ignore[attr-defined]


def close_page(page: Page) -> None:
    """Close the page's browser context; whatever the test did, no page may have broken the
    Content Security Policy (an inline style or script that the policy blocked)."""
    page.context.close()
    assert page.policy_violations == []  # type: ignore[attr-defined]


@pytest.fixture(params=VIEWPORTS, ids=list(VIEWPORTS))
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = open_page(browser, request.param)
    yield page
    close_page(page)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page, for what is made for phones only."""
    page = open_page(browser, "phone")
    yield page
    close_page(page)


def log_in(page: Page, live_server: LiveServer, user: User) -> None:
    """Start the browser with a signed-in session for the user."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def screenshot(page: Page, name: str) -> None:
    """Keep a picture for a person to look at, and check nothing scrolls sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.viewport_name}.png", full_page=True)  # type: ignore[attr-defined]
    # Against the viewport's own width: a phone that finds a page too wide zooms out, so its
    # window.innerWidth grows with the page.
    width = VIEWPORTS[page.viewport_name]["width"]  # type: ignore[attr-defined]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def serious_accessibility_violations(page: Page) -> list[str]:
    # Evaluated through the browser's devtools, which the Content Security Policy does not
    # govern; a <script> tag with axe's source would be blocked as inline script.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run()")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
