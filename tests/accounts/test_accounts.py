import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD


def sign_up(client: Client, email: str = "new@example.org", **extra: str) -> None:
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD} | extra
    response = client.post(reverse("account_signup"), data, headers=extra.pop("headers", {}))
    assert response.status_code == 302


@pytest.mark.django_db
def test_every_page_but_the_account_pages_needs_a_login(client: Client):
    response = client.get(reverse("contacts:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("account_signup")).status_code == 200
    assert client.get(reverse("account_reset_password")).status_code == 200


@pytest.mark.django_db
def test_an_htmx_request_after_the_session_ended_gets_401_not_the_login_page(client: Client):
    response = client.get(
        reverse("capture:matches"), {"name": "Helga"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 401
    assert response.content == b""
    assert "csrftoken" not in response.cookies  # a login page would replace the open page's token


@pytest.mark.django_db
def test_sign_up_remembers_the_browsers_language_and_time_zone(client: Client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "helga@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Europe/Berlin",
        },
        headers={"Accept-Language": "de-DE,de;q=0.9"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="helga@example.org")
    assert user.language == "de"
    assert user.time_zone == "Europe/Berlin"
    assert client.get(reverse("contacts:list")).headers["Content-Language"] == "de"


@pytest.mark.django_db
def test_an_unknown_time_zone_at_sign_up_falls_back_to_utc(client: Client):
    client.post(
        reverse("account_signup"),
        {
            "email": "tom@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Mars/Olympus",
        },
    )
    assert User.objects.get(email="tom@example.org").time_zone == "UTC"


def test_failed_logins_are_rate_limited_per_account(client: Client, alice: User):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": alice.email, "password": "wrong"}
        )
        assert "Too many failed login attempts" not in response.text
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert "Too many failed login attempts. Try again later." in response.text
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited_per_address(client: Client, db: None):
    for i in range(10):
        client.post(reverse("account_login"), {"login": f"x{i}@example.org", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "y@example.org", "password": "no"})
    assert "Too many failed login attempts. Try again later." in response.text


def test_a_password_reset_is_sent_by_email(client: Client, alice: User):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    assert "/account/password/reset/key/" in mail.outbox[0].body


def test_preferences_change_language_time_zone_and_digest(alice_client: Client, alice: User):
    response = alice_client.post(
        reverse("accounts:preferences"),
        {
            "first_name": "Alice",
            "language": "de",
            "time_zone": "America/New_York",
            "reach_out_size": "3",
            "digest_enabled": "on",
            "digest_weekday": "4",
            "digest_hour": "18",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.language, alice.time_zone, alice.reach_out_size) == ("de", "America/New_York", 3)
    assert (alice.digest_weekday, alice.digest_hour) == (4, 18)
    page = alice_client.get(reverse("accounts:preferences"))
    assert '<html lang="de">' in page.text


def test_preferences_reject_an_unknown_time_zone(alice_client: Client, alice: User):
    response = alice_client.post(
        reverse("accounts:preferences"),
        {"language": "en", "time_zone": "Nowhere/Town", "digest_weekday": "0", "digest_hour": "8"},
    )
    assert response.status_code == 200
    assert "There is no time zone of that name" in response.text
    assert 'value="Nowhere/Town"' in response.text  # kept, to be corrected
    alice.refresh_from_db()
    assert alice.time_zone == "UTC"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("  new   york ", "America/New_York"),
        ("Indianapolis", "America/Indianapolis"),
    ],
)
def test_a_time_zone_is_typed_as_its_name_or_its_city(
    alice_client: Client, alice: User, typed: str, zone: str
):
    preferences = {"language": "en", "reach_out_size": "5", "digest_weekday": "0"}
    response = alice_client.post(
        reverse("accounts:preferences"), preferences | {"time_zone": typed, "digest_hour": "8"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == zone


def test_time_zones_are_suggested_as_typed_city_first(alice_client: Client):
    def suggested(typed: str) -> list[str]:
        html = alice_client.get(reverse("accounts:suggest_time_zone"), {"time_zone": typed}).text
        return re.findall(r'<option value="([^"]*)">', html)

    assert suggested("berl")[0] == "Europe/Berlin"
    assert suggested("new y") == ["America/New_York"]
    assert suggested("") == []
    assert len(suggested("a")) == 8


def test_the_settings_page_does_not_send_every_time_zone(alice_client: Client):
    page = alice_client.get(reverse("accounts:preferences")).text
    assert "Pacific/Kiritimati" not in page
    assert 'list="time_zone-suggestions"' in page


@pytest.mark.parametrize("size", ["0", "21", "five"])
def test_the_list_size_is_kept_between_one_and_twenty(alice_client: Client, alice: User, size):
    response = alice_client.post(
        reverse("accounts:preferences"),
        {
            "language": "en",
            "time_zone": "UTC",
            "reach_out_size": size,
            "digest_weekday": "0",
            "digest_hour": "8",
        },
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert 'name="reach_out_size"' in response.text
    alice.refresh_from_db()
    assert alice.reach_out_size == 5
