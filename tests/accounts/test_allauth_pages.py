"""allauth's pages read like Knotwork, not like the library: every page of it that can be
reached, signed out, signed in, with two-factor and half-way through a login, in English and
German, extends Knotwork's base, has no Title Case heading in English and says "du", never
"Sie", in German. And the login with a second factor: a wrong code is said beside the field,
the login page starts afresh, and a recovery code is named where it works."""

import re
from collections.abc import Iterator
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.conftest import PASSWORD

# Arguments for the pages that take some: keys that do not exist, so each shows its "this link
# no longer works" page rather than a 404.
ARGUMENTS = {
    "account_confirm_email": ["no-such-key"],
    "account_reset_password_from_key": ["0", "no-such-key"],
}
# Pages about one security key (which allauth's own templates draw the same way as the list),
# and single sign-on's, which exist only with a provider set up (tests/accounts/
# test_single_sign_on.py).
NOT_WALKED = {
    "mfa_edit_webauthn",
    "mfa_remove_webauthn",
    "openid_connect_login",
    "openid_connect_callback",
}
# Pages whose GET ends what the client is in the middle of (allauth's choice): the sign-up page
# a login half done, a password reset link a session; so they come last.
LAST = {"account_signup", "account_reset_password_from_key"}
PROPER = {"Knotwork", "OpenID", "Connect"}
FORMAL = re.compile(r"\b(Sie|Ihr|Ihre|Ihnen|Ihren|Ihrem|Ihrer|Ihres)\b")


def is_allauths(pattern: URLPattern) -> bool:
    """allauth's view, or Knotwork's version of one."""
    view = getattr(pattern.callback, "view_class", None)
    classes = view.__mro__ if view else ()
    modules = [pattern.callback.__module__, *(cls.__module__ for cls in classes)]
    return any(module.startswith("allauth.") for module in modules)


def allauth_names() -> set[str]:
    def walk(patterns: list[URLPattern | URLResolver]) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif pattern.name and is_allauths(pattern):
                yield pattern.name

    return set(walk(get_resolver().url_patterns)) - NOT_WALKED


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def headings(html: str) -> list[str]:
    return [text_of(h).strip() for h in re.findall(r"<h[1-3]\b[^>]*>(.*?)</h[1-3]>", html, re.S)]


def title_case(heading: str) -> bool:
    """Most words after the first capitalised, names and acronyms aside: "Two-Factor
    Authentication", not "Two-factor authentication"."""
    words = re.findall(r"[A-Za-z][\w'’-]*", heading)[1:]
    words = [w for w in words if w not in PROPER and not w.isupper()]
    return bool(words) and sum(w[0].isupper() for w in words) * 2 > len(words)


def log_in(client: Client, user: User) -> object:
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def with_two_factor(user: User) -> list[str]:
    """An authenticator app and recovery codes; the codes."""
    TOTP.activate(user, generate_totp_secret())
    return list(RecoveryCodes.activate(user).get_unused_codes())


def walk(client: Client, language: str) -> dict[str, str]:
    """Every allauth page this client can see, by name: those that answer with a page."""
    pages = {}
    for name in sorted(allauth_names(), key=lambda name: (name in LAST, name)):
        response = client.get(
            reverse(name, args=ARGUMENTS.get(name, [])), HTTP_ACCEPT_LANGUAGE=language
        )
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            pages[name] = response.content.decode()
    return pages


def check(pages: dict[str, str], language: str) -> None:
    for name, html in pages.items():
        assert '<header class="top">' in html, name  # Knotwork's base, with its navigation
        if language == "en":
            assert [h for h in headings(html) if title_case(h)] == [], name
        else:
            assert FORMAL.findall(text_of(html)) == [], name


def clients(alice: User, language: str) -> dict[str, Client]:
    """Signed out, signed in (just now, with the password), signed in with two-factor, and
    half-way: the password given, the code not yet."""
    User.objects.filter(pk=alice.pk).update(language=language)
    # Confirmed addresses, as after signing up: allauth turns no factor on for an unconfirmed one.
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    signed_out = Client()
    signed_in = Client()
    log_in(signed_in, alice)
    bob = User.objects.create_user(
        username="bob2", email="bob2@example.org", password=PASSWORD, language=language
    )
    EmailAddress.objects.create(user=bob, email=bob.email, verified=True, primary=True)
    (code, *_rest) = with_two_factor(bob)
    two_factor = Client()
    log_in(two_factor, bob)
    two_factor.post(reverse("mfa_authenticate"), {"code": code})
    half_way = Client()
    log_in(half_way, bob)
    return {
        "signed out": signed_out,
        "signed in": signed_in,
        "two-factor": two_factor,
        "half-way": half_way,
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_allauth_page_reads_like_knotwork(alice: User, language: str):
    seen: set[str] = set()
    for state, client in clients(alice, language).items():
        pages = walk(client, language)
        assert pages, state
        check(pages, language)
        seen |= set(pages)
    # The walk reached the pages that matter, not just the sign-in form.
    for name in (
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_from_key",
        "account_change_password",
        "account_email",
        "account_reauthenticate",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "usersessions_list",
    ):
        assert name in seen, name


def test_title_case_is_told_from_sentence_case():
    assert title_case("Two-Factor Authentication")
    assert title_case("Sign In")
    assert not title_case("Two-factor authentication")
    assert not title_case("Sign in to Knotwork")
    assert not title_case("Recovery codes")


@pytest.mark.parametrize(
    ("language", "welcome"),
    [("en", "Welcome back, Alice."), ("de", "Schön, dass du wieder da bist, Alice.")],
)
def test_a_login_greets_you_by_name(alice: User, language: str, welcome: str):
    User.objects.filter(pk=alice.pk).update(language=language)
    client = Client()
    home = client.post(
        reverse("account_login"),
        {"login": alice.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert welcome in home.text
    assert "Successfully signed in" not in home.text


def test_a_wrong_code_is_said_beside_the_field_and_the_login_starts_over(alice: User):
    codes = with_two_factor(alice)
    client = Client()
    assert log_in(client, alice).url == reverse("mfa_authenticate")
    prompt = client.get(reverse("mfa_authenticate")).text
    assert "recovery codes works here too" in prompt
    assert "security key" not in prompt  # alice has none to offer

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert re.search(r'id="id_code_error" role="alert"><p>Incorrect code.</p>', wrong.text)
    assert "_auth_user_id" not in client.session

    # Back to the login page: it shows the form, to start over, rather than the prompt again.
    login = client.get(reverse("account_login"))
    assert login.status_code == 200
    assert 'name="password"' in login.text
    assert log_in(client, alice).url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_a_security_key_is_offered_to_someone_who_has_one(alice: User):
    with_two_factor(alice)
    Authenticator.objects.create(user=alice, type=Authenticator.Type.WEBAUTHN, data={})
    client = Client()
    log_in(client, alice)
    # The browser's challenge for the key is allauth's business, and needs a real key's data.
    with mock.patch.object(webauthn_auth, "begin_authentication", return_value={}):
        prompt = client.get(reverse("mfa_authenticate")).text
    assert "Use a security key" in prompt


def test_the_english_catalogue_is_compiled():
    """Like the German one (tests/test_translations.py): the .mo holds every entry."""
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
    compiled = subprocess.run(["msgfmt", "-o", "-", str(po)], capture_output=True, check=True)
    assert compiled.stdout == po.with_suffix(".mo").read_bytes()


def test_every_allauth_form_says_its_mistakes_beside_the_field(alice: User):
    client = Client()
    log_in(client, alice)
    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": "x", "password2": "y"},
    )
    assert re.search(
        r'<div class="errors" id="id_oldpassword_error" role="alert"><p>', changed.text
    )
    assert '<label for="id_oldpassword">' in changed.text
    wrong = Client().post(reverse("account_login"), {"login": alice.email, "password": "no"})
    assert re.search(r'<div class="errors" role="alert"><p>The email address', wrong.text)
