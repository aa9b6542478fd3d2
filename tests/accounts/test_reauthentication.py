"""Changing how one signs in asks who is there: the email and the factors after the password
is given again, the password only with the current one."""

from django.test import Client
from django.urls import reverse

from accounts.models import User
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
