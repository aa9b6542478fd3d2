"""Changing how one signs in asks who is there: the email and the factors after the password
is given again, the password only with the current one. A login, by any method, counts as
having given it for the next few minutes."""

import datetime
import uuid

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken, User
from tests.accounts.test_two_factor import START, log_in, turn_on_totp
from tests.conftest import PASSWORD, reauthenticate


def test_adding_an_email_address_asks_for_the_password_again(alice_client: Client, alice):
    asked = alice_client.post(reverse("account_email"), {"action_add": "", "email": "a@x.org"})
    assert asked.url.startswith(reverse("account_reauthenticate"))
    assert not alice.emailaddress_set.filter(email="a@x.org").exists()
    reauthenticate(alice_client)
    alice_client.post(reverse("account_email"), {"action_add": "", "email": "a@x.org"})
    assert alice.emailaddress_set.filter(email="a@x.org").exists()


def test_adding_a_passkey_asks_for_the_password_again(alice_client: Client):
    asked = alice_client.get(reverse("mfa_add_webauthn"))
    assert asked.url.startswith(reverse("account_reauthenticate"))


def test_changing_the_password_needs_the_current_one(alice_client: Client, alice: User):
    new = "a brand new passphrase 42"
    data = {"oldpassword": "wrong", "password1": new, "password2": new}
    refused = alice_client.post(reverse("account_change_password"), data)
    assert refused.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    alice_client.post(reverse("account_change_password"), data | {"oldpassword": PASSWORD})
    alice.refresh_from_db()
    assert alice.check_password(new)


def make_token(client: Client) -> HttpResponse:
    data = {"name": "Phone shortcut", "scope": "read", "expires": "", "once": str(uuid.uuid4())}
    return client.post(reverse("accounts:tokens"), data)


def asks(response: HttpResponse) -> bool:
    return response.status_code == 302 and response.url.startswith(
        reverse("account_reauthenticate")
    )


def test_logging_in_counts_as_giving_the_password_again(alice: User):
    client = Client()
    with time_machine.travel(START, tick=False):
        log_in(client, alice)
    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        assert not asks(make_token(client))
        assert not asks(client.get(reverse("mfa_activate_totp")))  # allauth's own check
    assert AccessToken.objects.filter(owner=alice).count() == 1


def test_logging_in_with_the_password_and_a_code_counts_too(alice: User):
    client = Client()
    with time_machine.travel(START, tick=False):
        log_in(client, alice)
        totp = turn_on_totp(client)
        client.post(reverse("account_logout"))
    later = START + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert log_in(client, alice).url == reverse("mfa_authenticate")
        client.post(reverse("mfa_authenticate"), {"code": totp.now()})
    with time_machine.travel(later + datetime.timedelta(seconds=1), tick=False):
        assert not asks(make_token(client))
        assert not asks(client.get(reverse("mfa_generate_recovery_codes")))
    assert AccessToken.objects.filter(owner=alice).count() == 1


def test_once_the_window_has_passed_it_asks_again(alice: User, settings):
    client = Client()
    with time_machine.travel(START, tick=False):
        log_in(client, alice)
    window = datetime.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)
    with time_machine.travel(START + window + datetime.timedelta(seconds=1), tick=False):
        assert asks(make_token(client))
        assert asks(client.get(reverse("mfa_activate_totp")))
    assert not AccessToken.objects.filter(owner=alice).exists()


def confirmed(client: Client, asked: HttpResponse) -> HttpResponse:
    """Give the password on the page that asked, and follow where it leads."""
    assert asks(asked)
    return client.post(asked.url, {"password": PASSWORD}, follow=True)


def test_after_the_password_a_new_token_shows_on_the_tokens_page(alice_client: Client):
    done = confirmed(alice_client, make_token(alice_client))
    assert done.redirect_chain == [(reverse("accounts:tokens"), 302)]
    assert done.request["PATH_INFO"] == reverse("accounts:tokens")
    assert done.text.count("knot_") == 1  # the secret, once


@pytest.mark.parametrize("download", ["portability:export_json", "portability:export_vcf"])
def test_after_the_password_an_export_downloads_from_its_own_address(
    alice_client: Client, download: str
):
    done = confirmed(alice_client, alice_client.get(reverse(download)))
    assert done.redirect_chain == [(reverse(download), 302)]
    assert done["Content-Disposition"].startswith("attachment;")


def test_after_the_password_deleting_the_account_ends_at_the_login_page(
    alice_client: Client, alice: User
):
    done = confirmed(alice_client, alice_client.post(reverse("accounts:delete")))
    assert done.redirect_chain == [(reverse("account_login"), 302)]
    assert not User.objects.filter(pk=alice.pk).exists()
