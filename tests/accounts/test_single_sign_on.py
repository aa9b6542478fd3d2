"""Single sign-on through OpenID Connect, against a real provider on loopback: off unless
configured, and then a full login through discovery, PKCE, the token and userinfo."""

import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken, User
from tests.conftest import reauthenticate
from tests.factories import UserFactory
from tests.oidc_provider import Provider, oidc_provider

HELGA = {
    "sub": "helga-1234",
    "email": "helga@example.org",
    "email_verified": True,
    "name": "Helga Brandt",
    "given_name": "Helga",
}


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    with oidc_provider(client_id="knotwork", client_secret="s3cret", person=HELGA) as running:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "sso",
                        "name": "Company login",
                        "client_id": "knotwork",
                        "secret": "s3cret",
                        "settings": {"server_url": running.issuer},
                    }
                ],
            }
        }
        yield running


def sign_in_through(client: Client, provider: Provider) -> object:
    """Press the button, let the provider sign the person in, and come back."""
    start = client.post(reverse("openid_connect_login", args=["sso"]))
    assert start.status_code == 302
    assert start.url.startswith(f"{provider.issuer}/authorize?")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    assert asked["code_challenge_method"] == "S256"
    back = requests.get(start.url, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    return client.get(callback.path, parse_qs(callback.query), follow=True)


def test_without_configuration_there_is_no_button_and_no_request_leaves(client: Client, db):
    page = client.get(reverse("account_login"))
    assert "/account/oidc/" not in page.text
    assert "Company login" not in page.text
    assert client.post("/account/oidc/sso/login/").status_code == 404


def test_a_new_person_signs_in_with_the_provider(client: Client, provider: Provider, db):
    page = client.get(reverse("account_login"))
    assert "Company login" in page.text
    done = sign_in_through(client, provider)
    assert done.redirect_chain[-1][0] == reverse("home")
    user = User.objects.get(email="helga@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert SocialAccount.objects.get(user=user).uid == "helga-1234"
    assert provider.requests[:1] == ["GET /.well-known/openid-configuration"]
    assert "POST /token" in provider.requests
    assert "GET /userinfo" in provider.requests


def test_signing_in_again_is_the_same_account(provider: Provider, db):
    sign_in_through(Client(), provider)
    again = Client()
    sign_in_through(again, provider)
    assert User.objects.count() == 1
    assert int(again.session["_auth_user_id"]) == User.objects.get().pk


def test_a_wrong_client_secret_signs_no_one_in(client: Client, provider: Provider, settings, db):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["secret"] = "wrong"
    done = sign_in_through(client, provider)
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert done.status_code == 401
    assert "Single sign-on failed" in done.text


def test_an_existing_account_connects_sso_from_settings(provider: Provider, db):
    user = UserFactory(email="helga.private@example.org")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:preferences"))
    assert reverse("socialaccount_connections") in page.text
    reauthenticate(client)  # connecting a login is a change to how one signs in
    start = client.post(reverse("openid_connect_login", args=["sso"]), {"process": "connect"})
    back = requests.get(start.url, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    client.get(callback.path, parse_qs(callback.query), follow=True)
    assert SocialAccount.objects.get().user == user
    fresh = Client()
    sign_in_through(fresh, provider)
    assert int(fresh.session["_auth_user_id"]) == user.pk


def test_signing_in_with_the_provider_counts_as_giving_the_password_again(
    provider: Provider, alice: User
):
    client = Client()
    client.force_login(alice)
    reauthenticate(client)
    start = client.post(reverse("openid_connect_login", args=["sso"]), {"process": "connect"})
    back = requests.get(start.url, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    client.get(callback.path, parse_qs(callback.query), follow=True)
    fresh = Client()
    sign_in_through(fresh, provider)
    assert int(fresh.session["_auth_user_id"]) == alice.pk
    assert alice.has_usable_password()  # so allauth would ask for it
    form = {"name": "Script", "scope": "read", "expires": "", "once": str(uuid.uuid4())}
    fresh.post(reverse("accounts:tokens"), form)
    assert AccessToken.objects.filter(owner=alice).exists()  # made, not asked for the password
