"""Where you are signed in: every device with when and from where, and ending any one."""

import datetime

import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5; rv:133.0) Gecko/20100101 Firefox/133.0"


def signed_in(user: User, user_agent: str) -> Client:
    client = Client(headers={"User-Agent": user_agent}, REMOTE_ADDR="198.51.100.7")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_page_lists_each_device_and_ends_any_one(alice: User):
    phone = signed_in(alice, PHONE)
    laptop = signed_in(alice, LAPTOP)
    page = laptop.get(reverse("usersessions_list"))
    assert "Chrome on Android" in page.text
    assert "Firefox on macOS" in page.text
    assert "From 198.51.100.7" in page.text
    assert page.text.count("This device") == 1
    phone_session = UserSession.objects.get(user=alice, user_agent=PHONE)
    laptop.post(reverse("accounts:session_end", args=[phone_session.pk]))
    assert not UserSession.objects.filter(pk=phone_session.pk).exists()
    assert phone.get(reverse("contacts:list")).url.startswith(reverse("account_login"))
    assert laptop.get(reverse("contacts:list")).status_code == 200


def test_ending_this_devices_session_logs_out(alice: User):
    laptop = signed_in(alice, LAPTOP)
    mine = UserSession.objects.get(user=alice)
    response = laptop.post(reverse("accounts:session_end", args=[mine.pk]))
    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in laptop.session


def test_someone_elses_session_is_a_404(alice: User, bob_client: Client):
    signed_in(alice, PHONE)
    theirs = UserSession.objects.get(user=alice)
    assert bob_client.post(reverse("accounts:session_end", args=[theirs.pk])).status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_last_seen_is_noted_every_few_minutes_not_on_every_request(alice: User):
    start = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        laptop = signed_in(alice, LAPTOP)
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        laptop.get(reverse("contacts:list"))
    assert UserSession.objects.get(user=alice).last_seen_at == start
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        laptop.get(reverse("contacts:list"), REMOTE_ADDR="203.0.113.9")
    seen = UserSession.objects.get(user=alice)
    assert seen.last_seen_at == start + datetime.timedelta(minutes=6)
    assert seen.ip == "203.0.113.9"
