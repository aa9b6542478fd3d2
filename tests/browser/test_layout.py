"""Every page fits a phone and a desktop: nothing scrolls sideways however long a word someone
typed, every target is big enough for a thumb, and what stays on screen leaves room to read.

"Every page" is what tests/walk.py finds: it walks the URLconf and every link and htmx request
from an account holding one of every kind of object, so a new page is covered without anyone
adding it here."""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
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

# What sticks out past the right edge, a box or a line of text, innermost first: why a page is
# too wide.
STICKING_OUT = """(width) => {
    const beyond = (box) => box.width > 0 && box.right > width + 0.5;
    const sticking = new Set(
        [...document.body.querySelectorAll("*")].filter((e) => beyond(e.getBoundingClientRect())));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        if ([...range.getClientRects()].some(beyond)) sticking.add(node.parentElement);
    }
    const innermost = [...sticking].filter(
        (element) => ![...sticking].some((other) => other !== element && element.contains(other)));
    return innermost.slice(0, 3).map((element) => {
        const classes = [...element.classList].map((name) => `.${name}`).join("");
        const right = Math.round(element.getBoundingClientRect().right);
        return `<${element.tagName.toLowerCase()}${classes}> to ${right}px`;
    });
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

# Targets smaller than a thumb, as "<tag> "text" width x height"; the rules are in the docstring of
# test_it_makes_every_target_on_every_page_big_enough_for_a_thumb.
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
        const shown = { visibilityProperty: true, opacityProperty: true };
        if (!element.checkVisibility(shown)) return false;
        const box = element.getBoundingClientRect();
        // Off the page to the left: the skip link, which shows only when focused.
        if (box.width === 0 || box.height === 0 || box.right <= 0) return false;
        if (inSentence(element)) return false;
        // A shortcut hidden from assistive technology, beside a full-size control that does the
        // same (the picture's names, beside the list of the same people): WCAG 2.5.8 exempts it.
        if (element.closest("[aria-hidden=true]")) return false;
        const iconOnly = element.textContent.trim() === ""
            && !["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName);
        return box.height < tap - 0.5 || (iconOnly && box.width < tap - 0.5);
    }).map((element) => {
        const box = element.getBoundingClientRect();
        return `${describe(element)} ${Math.round(box.width)}x${Math.round(box.height)}`;
    });
}"""


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


def test_it_never_scrolls_sideways_on_any_page_however_long_the_words(
    signed_in: dict[str, Page], live_server: LiveServer, alice_client: Client, long_words: Seeded
):
    """Every page, with every disclosure open, at 360 and 1440 px, holding a 200-character word in
    every field: long words wrap inside their box, and ordinary words never break mid-word."""
    urls = every_page(alice_client, long_words)
    person = reverse("relationships:person", args=[long_words.objects["pk"].pk])
    assert {"/", person, "/people/"} <= set(urls)  # the crawl found the app, not a login page
    too_wide, broken = [], []
    for name, page in signed_in.items():
        for url in urls:
            visit(page, live_server, url)
            width = VIEWPORTS[name]["width"]
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                sticking_out = page.evaluate(STICKING_OUT, width)
                too_wide.append(f"{name} {url}: {scroll_width}px wide, {sticking_out}")
            broken += [f"{name} {url}: {word}" for word in page.evaluate(BROKEN_WORDS)]
    assert not too_wide, "\n".join(too_wide)
    assert not broken, "\n".join(broken)


def test_it_makes_every_target_on_every_page_big_enough_for_a_thumb(
    phone: Page, live_server: LiveServer, alice: User, alice_client: Client
):
    """On a 360 px phone, every page with every disclosure open: each visible link, button,
    summary, select, text field and input (not hidden) is at least 44 px tall, and one without
    text (an icon) at least 44 px wide too. A checkbox or radio button is measured by its label,
    which is what a thumb taps.

    Exempt is a link inside a sentence, as WCAG 2.5.5 exempts inline targets, defined strictly:
    an <a> laid out inline whose nearest block is a <p> holding text of its own besides the link.
    A link alone in its paragraph, in a heading or in a list is not in a sentence. Exempt too is
    a target hidden from assistive technology beside a full-size one doing the same (WCAG 2.5.8's
    equivalent): the names in the picture of the people around someone, beside their list.

    The account holds short words, so no link is tall only because its text wrapped."""
    urls = every_page(alice_client, seed_account(alice, short_word, alice_client))
    log_in(phone, live_server, alice)
    small = []
    for url in urls:
        visit(phone, live_server, url)
        small += [f"{url}: {target}" for target in phone.evaluate(SMALL_TARGETS, TAP)]
    assert not small, "\n".join(small)


@pytest.mark.parametrize("language", ["en", "de"])
def test_it_fits_the_busiest_pages_in_english_and_german(
    signed_in: dict[str, Page],
    live_server: LiveServer,
    alice: User,
    long_words: Seeded,
    language: str,
):
    """German labels are longer. Screenshots of the pages where most text meets, for a person
    to look at, with every disclosure open."""
    alice.language = language
    alice.save()
    busiest = {
        "home": "/",
        "person": reverse("relationships:person", args=[long_words.objects["pk"].pk]),
        "people": "/people/",
        "conversation": reverse(
            "conversations:detail", args=[long_words.objects["conversation"].pk]
        ),
    }
    for page in signed_in.values():
        for name, url in busiest.items():
            visit(page, live_server, url)
            screenshot(page, f"long-words-{name}-{language}")  # asserts no sideways scroll
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
def test_it_leaves_a_phone_screen_to_the_person_not_to_the_bars(
    phone: Page, live_server: LiveServer, alice: User, alice_client: Client, language: str
):
    """On a 360 x 780 px phone the person page keeps its ways to record at the foot of the
    screen, within thumb reach, in a strip that with the tab bar takes at most 15% of it."""
    alice.language = language
    alice.save()
    seeded = seed_account(alice, short_word, alice_client)
    log_in(phone, live_server, alice)
    phone.goto(
        f"{live_server.url}{reverse('relationships:person', args=[seeded.objects['pk'].pk])}"
    )
    bars = phone.evaluate(BARS)
    assert bars["tabs"]["bottom"] == pytest.approx(bars["height"], abs=1)
    assert bars["record"]["bottom"] == pytest.approx(bars["tabs"]["top"], abs=1)
    assert bars["tabs"]["bottom"] - bars["record"]["top"] <= 0.15 * bars["height"]
    screenshot(phone, f"person-bars-{language}")
    # Scrolled to the end, the bars cover none of the story.
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bars = phone.evaluate(BARS)
    assert bars["lastEntry"]["bottom"] <= bars["record"]["top"]
