"""Two-factor with allauth's mfa: an authenticator app turned on after the password is given
again, a code asked at every login, and recovery codes that each work once."""

import datetime
import re

import pyotp
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD, reauthenticate

START = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


def turn_on_totp(client: Client) -> pyotp.TOTP:
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    (secret,) = re.findall(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.text)
    assert "<svg" in page.text  # the QR code, drawn here
    totp = pyotp.TOTP(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp.now()})
    assert response.status_code == 302
    return totp


def log_in(client: Client, user: User) -> object:
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def recovery_codes(user: User) -> list[str]:
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return list(codes.wrap().get_unused_codes())


def test_turning_on_the_app_asks_for_the_password_again(alice_client: Client):
    asked = alice_client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))


def test_with_the_app_on_a_login_needs_a_code(alice: User):
    client = Client()
    with time_machine.travel(START, tick=False):
        log_in(client, alice)
        totp = turn_on_totp(client)
        client.post(reverse("account_logout"))
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        asked = log_in(client, alice)
        assert asked.url == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
        assert "_auth_user_id" not in client.session
        client.post(reverse("mfa_authenticate"), {"code": totp.now()})
        assert int(client.session["_auth_user_id"]) == alice.pk


def test_a_recovery_code_works_once(alice: User):
    client = Client()
    with time_machine.travel(START, tick=False):
        log_in(client, alice)
        turn_on_totp(client)
        client.post(reverse("account_logout"))
    codes = recovery_codes(alice)
    assert len(codes) == 10
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        log_in(client, alice)
        client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert int(client.session["_auth_user_id"]) == alice.pk
        client.post(reverse("account_logout"))
        log_in(client, alice)
        spent = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert spent.status_code == 200
        assert "_auth_user_id" not in client.session
    assert codes[0] not in recovery_codes(alice)
    assert len(recovery_codes(alice)) == 9


def test_the_two_factor_pages_are_in_german(alice_client: Client, alice: User):
    alice.language = "de"
    alice.save()
    page = alice_client.get(reverse("mfa_index"))
    assert "Zwei-Faktor-Authentifizierung" in page.text
    sessions = alice_client.get(reverse("usersessions_list"))
    assert "Wo du angemeldet bist" in sessions.text
