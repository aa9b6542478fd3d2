"""No stored text ever becomes markup: every text field of every model holds script, and every
page, htmx partial and email is checked for it. See tests/walk.py for how "every" is found."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from digest.services import digest_message
from relationships.services.reach_out import reach_out
from tests.walk import crawl, free_text_fields, project_models, seed_account, start_urls


def attack(n: int) -> str:
    """Script tags, an event handler, an SVG and both quotes to break out of an attribute; the
    number says which field it came from."""
    return f"\"'><svg onload=xss({n})><script>xss({n})</script>"


class Injected(HTMLParser):
    """Markup that came from stored text: an element or handler carrying `xss(`, a `javascript:`
    address, or the same in an iframe's `srcdoc`."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "xss(" in value:
                self.found.append(f"<{tag} {name}={value}>")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "srcdoc":
                self.found += injected(value)

    def handle_data(self, data: str) -> None:
        if self.in_script and "xss(" in data:
            self.found.append(f"<script>{data}")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def injected(html: str) -> list[str]:
    parser = Injected()
    parser.feed(html)
    return parser.found


def test_the_detector_finds_each_kind_of_injection():
    assert injected(f"<p>{attack(1)}</p>")
    assert injected('<a href=" JavaScript:xss(2)">x</a>')
    assert injected('<iframe srcdoc="&lt;img src=x onerror=xss(3)&gt;"></iframe>')
    assert not injected("<p>&quot;&#x27;&gt;&lt;svg onload=xss(4)&gt;</p>")


def test_every_model_with_text_is_seeded(alice: User, alice_client: Client):
    seeded = seed_account(alice, attack, alice_client)
    filled = {entry.split(":")[0] for entry in seeded.texts}
    for model in project_models():
        for field in free_text_fields(model):
            if model.__name__ in {"ImportBatch", "DigestOutbox", "JobRun", "Submission", "Removal"}:
                # Plumbing no page shows (a removal's label only as the message it was); the
                # import's rows are seeded by an upload.
                continue
            assert f"{model.__name__}.{field.name}" in filled, f"Seed {model.__name__} in walk.py"


@pytest.fixture
def walked(alice: User, alice_client: Client):
    seeded = seed_account(alice, attack, alice_client)
    return crawl(alice_client, start_urls(seeded))


def test_no_page_or_partial_turns_stored_text_into_markup(walked):
    pages = [r for r in walked if "text/html" in r.content_type]
    assert len(pages) > 60  # every URL, as a page and as htmx, and the links found on them
    shown = sum(r.body.count("&lt;script&gt;xss(") for r in pages)
    assert shown > 100  # the seeded text really is on the pages, escaped
    failures = {f"{r.url} (htmx: {r.htmx_target})": injected(r.body) for r in pages}
    assert {url: found for url, found in failures.items() if found} == {}


def test_the_walk_reaches_every_kind_of_page(walked):
    urls = {r.url.split("?")[0] for r in walked if r.status == 200}
    assert {
        "/",
        "/people/",
        "/search/",
        "/capture/",
        "/digest/preview/",
        "/digest/preview/email/",
        "/data/",
        "/account/settings/",
        "/travelling/",
    } <= urls
    assert any(url.startswith("/data/contacts/") for url in urls)  # the import preview
    # Everyone in the seeded person's city, reached from their card and from the city list.
    assert any(r.url.startswith("/travelling/?city=") and r.status == 200 for r in walked)
    assert any(r.url.startswith("/people/?organisation=") and r.status == 200 for r in walked)
    photos = [r for r in walked if "/photo/" in r.url and r.status == 200]
    assert {r.content_type for r in photos} == {"image/jpeg"}
    assert any("part=" in r.url for r in walked)  # the person page's htmx partials


def test_every_html_response_carries_the_content_security_policy(walked):
    missing = [r.url for r in walked if "text/html" in r.content_type and not _csp(r.headers)]
    assert missing == []
    home = next(r for r in walked if r.url == "/" and r.htmx_target is None)
    policy = _csp(home.headers)
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy


def test_the_digest_links_pages_carry_the_policy_without_a_login(
    alice: User, alice_client: Client, client: Client
):
    seeded = seed_account(alice, attack, alice_client)
    digest_links = [u for u in start_urls(seeded) if u.startswith("/digest/") and len(u) > 30]
    assert len(digest_links) == 3
    for url in digest_links:
        response = client.get(url)
        assert response.status_code == 200
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert not injected(response.content.decode())


def test_the_email_preview_frame_allows_inline_styles_and_nothing_else(alice_client: Client):
    response = alice_client.get(reverse("digest:preview_email"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_emails_show_stored_text_as_text(alice: User, alice_client: Client):
    seed_account(alice, attack, alice_client)
    message = digest_message(user=alice, page=reach_out(user=alice), message_id="<x>")
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert html.count("&lt;script&gt;xss(") >= 3
    assert injected(html) == []
    # The plain-text part is not HTML: the text appears exactly as typed, never escaped.
    assert "<script>xss(" in message.body
    assert "&lt;" not in message.body
    assert "<" not in message.subject


def test_the_password_reset_email_shows_stored_text_as_text(alice: User):
    alice.first_name = attack(1)
    alice.save()
    Client().post(reverse("account_reset_password"), {"email": alice.email})
    (message,) = mail.outbox
    for content, kind in getattr(message, "alternatives", []):
        if kind == "text/html":
            assert injected(str(content)) == []
    assert "&lt;" not in message.body


def _csp(headers: dict[str, str]) -> str:
    return headers.get("Content-Security-Policy", "")


# Each place that may turn text into markup without Django's escaping, and why it is safe.
REVIEWED_MARKUP = {
    # Escapes the text first, then adds <mark> around the database's own control characters.
    ("relationships/templatetags/highlight.py", "mark_safe("),
    # Renders the HTML part of an email; the plain-text parts are unmarked (see _plain_text).
    ("common/emails.py", "render_to_string("),
    # A name field's box (PersonNameInput): Django's own rendering of the input, and a template
    # with autoescaping on around it that writes only the box's id and a person's id.
    ("contacts/forms.py", "render_to_string("),
    # The authenticator app's QR code: SVG that allauth draws with `qrcode` from the secret and
    # the account's email, which are encoded as squares, never written as text or markup.
    ("templates/mfa/totp/activate_form.html", "|safe"),
    # The calendar feed's QR code: the same drawing (allauth's, with `qrcode`) of the feed's
    # address, which holds only the site's address, ids and a URL-safe token, as squares.
    ("templates/calendars/settings.html", "|safe"),
}
MARKUP_PATTERNS = ("mark_safe(", "SafeString(", "render_to_string(", "|safe", "autoescape off")


def test_only_reviewed_code_turns_text_into_markup():
    """A new mark_safe, |safe, {% autoescape off %} in HTML, or render_to_string (which returns
    text marked safe) fails here until someone reviews it and adds it above with a reason."""
    root = Path(__file__).resolve().parents[1]
    found = set()
    for path in [*root.glob("*/**/*.py"), *root.glob("templates/**/*.html")]:
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/")) or "/migrations/" in relative:
            continue
        text = path.read_text()
        found |= {(relative, pattern) for pattern in MARKUP_PATTERNS if pattern in text}
    assert found == REVIEWED_MARKUP
