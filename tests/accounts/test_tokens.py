"""Personal access tokens in Settings: made after the password is given again, shown once on
the tokens page's own address, kept only as a hash, revoked at once."""

import datetime
import hashlib
import re
import uuid

import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken, User
from accounts.services import token_create
from tests.conftest import PASSWORD, reauthenticate
from tests.dates import NOW


def make(client: Client, *, follow: bool = False, **data: str) -> HttpResponse:
    form = {"name": "Phone shortcut", "scope": "write", "expires": "90", "once": str(uuid.uuid4())}
    return client.post(reverse("accounts:tokens"), form | data, follow=follow)


def shown_secret(html: str) -> str:
    (secret,) = re.findall(r'id="token-secret"[^>]*value="([^"]+)"', html)
    return secret


def test_making_a_token_asks_for_the_password_again(alice_client: Client, alice: User):
    asked = make(alice_client)
    assert asked.url.startswith(reverse("account_reauthenticate"))
    assert not AccessToken.objects.exists()
    shown = alice_client.post(asked.url, {"password": PASSWORD}, follow=True)
    # The form sent before is carried on once the password is confirmed, and the browser ends
    # on the tokens page's own address (not allauth's), where the secret shows once.
    assert shown.redirect_chain == [(reverse("accounts:tokens"), 302)]
    assert shown.request["PATH_INFO"] == reverse("accounts:tokens")
    secret = shown_secret(shown.text)
    assert AccessToken.objects.get().name == "Phone shortcut"
    api = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    assert secret not in alice_client.get(reverse("accounts:tokens")).text


def test_a_token_is_shown_once_and_stored_only_as_a_hash(alice_client: Client, alice: User):
    reauthenticate(alice_client)
    made = make(alice_client, scope="read", expires="")
    assert made.url == reverse("accounts:tokens")  # after a POST, a GET: a reload sends nothing
    assert made["Cache-Control"].startswith("max-age=0")
    response = alice_client.get(made.url)
    assert response["Cache-Control"].startswith("max-age=0")
    secret = shown_secret(response.text)
    token = AccessToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.scope, token.expires_at) == ("read", None)
    again = alice_client.get(reverse("accounts:tokens"))
    assert secret not in again.text
    assert "Phone shortcut" in again.text
    assert "Never used." in again.text
    assert secret not in str(dict(alice_client.session))  # kept only until it showed


def test_sending_the_form_twice_makes_one_token(alice_client: Client, alice: User):
    reauthenticate(alice_client)
    key = str(uuid.uuid4())
    make(alice_client, once=key)
    # A double click: the browser follows the second answer, and still sees the secret once.
    again = make(alice_client, once=key)
    assert again.url == reverse("accounts:tokens")
    page = alice_client.get(again.url)
    secret = shown_secret(page.text)
    assert "already made" not in page.text
    assert AccessToken.objects.count() == 1
    # Sent again once it showed: the secret is kept nowhere, and the page says so.
    late = make(alice_client, once=key, follow=True)
    assert "That token was already made; its secret showed only once." in late.text
    assert secret not in late.text
    assert AccessToken.objects.count() == 1


def test_a_token_without_a_name_is_refused_beside_the_field_without_asking(
    alice_client: Client,
):
    response = make(alice_client, name="")
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.text
    assert not AccessToken.objects.exists()


def test_revoking_a_token_stops_it_at_once(alice_client: Client, alice: User):
    token, secret = token_create(owner=alice, name="Old laptop", scope="read")
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/people", headers=headers).status_code == 200
    alice_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert not AccessToken.objects.exists()
    assert Client().get("/api/v1/people", headers=headers).status_code == 401


def test_a_stranger_cannot_revoke_my_token(bob_client: Client, alice: User):
    token, _secret = token_create(owner=alice, name="Mine", scope="read")
    assert bob_client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert AccessToken.objects.filter(pk=token.pk).exists()


def test_a_token_says_when_it_was_last_used_and_when_it_expires(
    alice_client: Client, alice: User, bob_client: Client
):
    """Used a moment ago is "just now", never "0 minutes ago"."""
    with time_machine.travel(NOW, tick=False) as clock:
        _, secret = token_create(
            owner=alice,
            name="Garden shed",
            scope="read",
            expires_at=NOW + datetime.timedelta(days=90),
        )
        Client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
        page = alice_client.get(reverse("accounts:tokens")).text
        assert "Garden shed" in page
        assert "Last used just now." in page
        assert "Expires on 21 February 2027." in page
        clock.shift(datetime.timedelta(minutes=5))
        assert "Last used 5 minutes ago." in alice_client.get(reverse("accounts:tokens")).text
        alice.language = "de"
        alice.save()
        page = alice_client.get(reverse("accounts:tokens")).text
        assert "Zuletzt benutzt vor 5 Minuten." in page
        assert "Läuft am 21. Februar 2027 ab." in page
    assert "Garden shed" not in bob_client.get(reverse("accounts:tokens")).text


def test_the_tokens_page_is_in_german(alice_client: Client, alice: User):
    alice.language = "de"
    alice.save()
    page = alice_client.get(reverse("accounts:tokens"))
    assert "Zugangstoken" in page.text


def test_a_new_secret_is_selectable_text_with_the_copy_button_beside_it(
    alice_client: Client, alice: User
):
    """The one copy button (templates/_copy.html) the calendar feed's address has too: the
    script shows it; without the script the secret is still text to select."""
    reauthenticate(alice_client)
    page = make(alice_client, follow=True).text
    assert re.search(
        r'<input id="token-secret" class="copy-value" type="text" value="[^"]+" readonly', page
    )
    assert re.search(
        r'<button type="button" class="copy-button" data-copy="token-secret"[^>]* hidden>', page
    )
