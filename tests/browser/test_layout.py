"""Every page fits a phone and a desktop: nothing scrolls sideways however long a word someone
typed, every target is big enough for a thumb, and what stays on screen leaves room to read.

"Every page" is what tests/walk.py finds: it walks the URLconf and every link and htmx request
from an account holding one of every kind of object, so a new page is covered without anyone
adding it here."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.browser.conftest import (
    VIEWPORTS,
    close_page,
    log_in,
    open_page,
    screenshot,
    serious_accessibility_violations,
)
from tests.walk import Seeded, crawl, seed_account, start_urls


def long_word(n: int) -> str:
    """200 characters without a space to break at, numbered so a failure names the field."""
    return f"{n:03d}" + "W" * 197


def short_word(n: int) -> str:
    """A short name or note, which keeps every link on one line: a link wrapped over several
    lines is tall for the wrong reason."""
    return f"Ida {n}"


# Opens every disclosure, so what it holds is measured too: a page that only widens once
# "Snooze or change rhythm" is open is as broken as one that is always too wide.
OPEN_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"

# Whatever sticks out past the right edge, innermost first, to say why a page is too wide.
WIDEST = """() => {
    const width = window.innerWidth;
    const sticking = [...document.body.querySelectorAll("*")].filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.right > width + 0.5;
    });
    const innermost = sticking.filter((element) => !sticking.some(
        (other) => other !== element && element.contains(other)));
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: width,
        culprits: innermost.slice(0, 3).map((element) => {
            const classes = element.className && typeof element.className === "string"
                ? "." + element.className.trim().split(/\\s+/).join(".") : "";
            return `${element.tagName.toLowerCase()}${classes} ${Math.round(element.getBoundingClientRect().right)}px`;
        }),
    };
}"""

# Ordinary words split across two lines: the price the stylesheet must never pay for letting long
# words wrap anywhere (a label squeezed until "Knot" reads "Kn ot"). Words longer than 25
# characters may break; breaks after a hyphen or slash are ordinary.
BROKEN_WORDS = """() => {
    const broken = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest("script, style, option, datalist, noscript")) continue;
        if (!parent.checkVisibility()) continue;
        for (const word of node.data.matchAll(/[^\\s\\-\u2010-\u2014\\/]+/g)) {
            if (word[0].length > 25) continue;
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const lines = new Set([...range.getClientRects()]
                .filter((box) => box.width > 0).map((box) => Math.round(box.bottom)));
            if (lines.size > 1) broken.push(`"${word[0]}" in <${parent.tagName.toLowerCase()}>`);
        }
    }
    return broken;
}"""

TAP = 44

# Every target a thumb must hit: links, buttons, disclosure summaries, selects and inputs, and
# for a checkbox or radio button its label (the box itself is small; the label is what to tap).
# A link inside a sentence is exempt (as WCAG 2.5.5 exempts inline targets), and defined
# strictly: an <a> laid out inline whose nearest block is a <p> holding text of its own around
# the link. A link alone in a paragraph is not in a sentence and must be a full target.
SMALL_TARGETS = """(tap) => {
    const targets = [...document.querySelectorAll(
        "a[href], button, summary, select, textarea, input:not([type=hidden]), label")];
    const isBoxInput = (element) => element.matches("input[type=checkbox], input[type=radio]");
    const labelsBox = (label) => {
        const input = label.control;
        return input && isBoxInput(input);
    };
    const inSentence = (link) => {
        if (link.tagName !== "A" || getComputedStyle(link).display !== "inline") return false;
        let block = link.parentElement;
        while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
        if (!block || block.tagName !== "P") return false;
        const own = block.textContent.replace(link.textContent, "").trim();
        return own.length > 0;
    };
    const describe = (element) => {
        const text = (element.textContent || element.value || element.getAttribute("aria-label")
            || element.name || "").replace(/\\s+/g, " ").trim().slice(0, 40);
        return `<${element.tagName.toLowerCase()}> "${text}"`;
    };
    return targets.filter((element) => {
        if (element.tagName === "LABEL" && !labelsBox(element)) return false;
        if (isBoxInput(element)) return false;
        if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
        const box = element.getBoundingClientRect();
        // Off the page to the left: the skip link, which shows only when focused.
        if (box.width === 0 || box.height === 0 || box.right <= 0) return false;
        if (inSentence(element)) return false;
        const iconOnly = element.textContent.trim() === "" && !["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName);
        return box.height < tap - 0.5 || (iconOnly && box.width < tap - 0.5);
    }).map((element) => {
        const box = element.getBoundingClientRect();
        return `${describe(element)} ${Math.round(box.width)}x${Math.round(box.height)}`;
    });
}"""


# The digest email, shown framed in the digest preview: an email is styled inline for mail
# clients, not by knotwork.css, so its layout is not this stylesheet's to keep.
NOT_APP_PAGES = {"relationships:digest_preview_email"}


@pytest.fixture
def long_words(alice: User, alice_client: Client) -> Seeded:
    return seed_account(alice, long_word, alice_client)


def every_page(client: Client, seeded: Seeded) -> list[str]:
    """The address of every page the crawl reaches: an HTML document, not an htmx partial or a
    fragment that only ever shows inside another page."""
    pages = {
        response.url
        for response in crawl(client, start_urls(seeded))
        if response.htmx_target is None
        and response.status == 200
        and "text/html" in response.content_type
        and "<html" in response.body
        and resolve(urlsplit(response.url).path).view_name not in NOT_APP_PAGES
    }
    return sorted(pages)


def visit(page: Page, live_server: LiveServer, url: str) -> None:
    page.goto(f"{live_server.url}{url}")
    page.evaluate(OPEN_DETAILS)


@pytest.fixture
def signed_in(browser: Browser, live_server: LiveServer, alice: User) -> Iterator[dict[str, Page]]:
    """One browser context per viewport, reused for every page."""
    pages = {name: open_page(browser, name) for name in VIEWPORTS}
    for page in pages.values():
        log_in(page, live_server, alice)
    yield pages
    for page in pages.values():
        close_page(page)


def test_it_never_scrolls_sideways_with_long_words_anywhere(
    signed_in: dict[str, Page], live_server: LiveServer, alice_client: Client, long_words: Seeded
):
    urls = every_page(alice_client, long_words)
    assert len(urls) > 20  # the crawl found the app, not just a login page
    too_wide, broken = [], []
    for name, page in signed_in.items():
        for url in urls:
            visit(page, live_server, url)
            measured = page.evaluate(WIDEST)
            if measured["scrollWidth"] > VIEWPORTS[name]["width"]:
                too_wide.append(f"{name} {url}: {measured}")
            broken += [f"{name} {url}: {word}" for word in page.evaluate(BROKEN_WORDS)]
    assert not too_wide, "\n".join(too_wide)
    assert not broken, "\n".join(broken)


def test_every_target_on_every_page_is_big_enough_for_a_thumb(
    signed_in: dict[str, Page], live_server: LiveServer, alice: User, alice_client: Client
):
    phone = signed_in["phone"]
    small = []
    for url in every_page(alice_client, seed_account(alice, short_word, alice_client)):
        visit(phone, live_server, url)
        small += [f"{url}: {target}" for target in phone.evaluate(SMALL_TARGETS, TAP)]
    assert not small, "\n".join(small)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_busiest_pages_fit_in_english_and_german(
    signed_in: dict[str, Page], live_server: LiveServer, alice: User, long_words: Seeded, language: str
):
    alice.language = language
    alice.save()
    busiest = {
        "home": "/",
        "person": reverse("relationships:person", args=[long_words.objects["pk"].pk]),
        "people": "/people/",
        "conversation": reverse("conversations:detail", args=[long_words.objects["conversation"].pk]),
    }
    for page in signed_in.values():
        for name, url in busiest.items():
            visit(page, live_server, url)
            screenshot(page, f"long-words-{name}-{language}")
            assert page.evaluate(BROKEN_WORDS) == []
            assert serious_accessibility_violations(page) == []


BARS = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    return {
        record: box(".record").toJSON(),
        tabs: box(".tabs").toJSON(),
        lastEntry: box(".entries > li:last-child").toJSON(),
        height: window.innerHeight,
    };
}"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_on_a_phone_the_person_page_leaves_the_screen_to_the_person(
    phone: Page, live_server: LiveServer, alice: User, alice_client: Client, language: str
):
    alice.language = language
    alice.save()
    seeded = seed_account(alice, short_word, alice_client)
    log_in(phone, live_server, alice)
    phone.goto(f"{live_server.url}{reverse('relationships:person', args=[seeded.objects['pk'].pk])}")
    bars = phone.evaluate(BARS)
    # The ways to record sit right on the tab bar at the foot of the screen, under the thumb...
    assert bars["tabs"]["bottom"] == pytest.approx(bars["height"], abs=1)
    assert bars["record"]["bottom"] == pytest.approx(bars["tabs"]["top"], abs=1)
    # ...and the two together keep to a slim strip.
    assert bars["tabs"]["bottom"] - bars["record"]["top"] <= 0.15 * bars["height"]
    screenshot(phone, f"person-bars-{language}")
    # Scrolled to the end, the bars cover none of the story.
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bars = phone.evaluate(BARS)
    assert bars["lastEntry"]["bottom"] <= bars["record"]["top"]
