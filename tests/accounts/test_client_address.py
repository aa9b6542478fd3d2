"""Whose request it is: the failed-login limit counts each client by its own address, and the
sessions page shows it, whether Knotwork is reached directly or behind its reverse proxy.
X-Forwarded-For counts only as far as the proxy vouches for it: the address it appended."""

import datetime
import runpy
from pathlib import Path

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

SETTINGS = Path(__file__).resolve().parents[2] / "knotwork" / "settings.py"
PROXY = "172.18.0.5"  # the reverse proxy, as docker compose's network addresses it
REFUSED = "Too many failed login attempts. Try again later."


def settings_from(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    """The settings module as it reads this environment."""
    for name in ("BEHIND_PROXY", "TRUSTED_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.fixture
def direct(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reached with no proxy in front, as BEHIND_PROXY's default has it."""
    read = settings_from(monkeypatch)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = read["ALLAUTH_TRUSTED_PROXY_COUNT"]


@pytest.fixture
def behind_the_proxy(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind the one reverse proxy docker compose documents (BEHIND_PROXY=1)."""
    read = settings_from(monkeypatch, BEHIND_PROXY="1")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = read["ALLAUTH_TRUSTED_PROXY_COUNT"]


def fail_to_log_in(client: Client, attempt: int, forwarded_for: str | None = None) -> str:
    # A new address each time, so the per-account limit (5 in 5 minutes) never decides.
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(
        reverse("account_login"),
        {"login": f"nobody{attempt}@example.org", "password": "wrong"},
        headers=headers,
    )
    return response.text


def via_proxy() -> Client:
    return Client(REMOTE_ADDR=PROXY)


def test_a_proxy_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    assert settings_from(monkeypatch)["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    assert settings_from(monkeypatch, BEHIND_PROXY="1")["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    two = settings_from(monkeypatch, BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="2")
    assert two["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    with pytest.raises(ValueError, match="TRUSTED_PROXY_COUNT must be 0 or more"):
        settings_from(monkeypatch, TRUSTED_PROXY_COUNT="-1")


def test_a_direct_client_cannot_dodge_the_limit_with_a_forged_header(direct: None, db: None):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for attempt in range(10):
        assert REFUSED not in fail_to_log_in(client, attempt, f"198.51.100.{attempt}")
    assert REFUSED in fail_to_log_in(client, 10, "198.51.100.200")


def test_behind_the_proxy_each_client_is_limited_alone(behind_the_proxy: None, alice: User):
    for attempt in range(10):
        assert REFUSED not in fail_to_log_in(via_proxy(), attempt, "198.51.100.1")
    assert REFUSED in fail_to_log_in(via_proxy(), 10, "198.51.100.1")
    # Another person behind the same proxy still gets in.
    assert REFUSED not in fail_to_log_in(via_proxy(), 11, "198.51.100.2")
    other = via_proxy()
    response = other.post(
        reverse("account_login"),
        {"login": alice.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.2"},
    )
    assert response.status_code == 302
    assert int(other.session["_auth_user_id"]) == alice.pk


def test_behind_the_proxy_a_forged_address_on_the_left_changes_nothing(
    behind_the_proxy: None, db: None
):
    for attempt in range(10):
        forged = f"10.0.0.{attempt}, 198.51.100.1"  # the proxy appended the real one
        assert REFUSED not in fail_to_log_in(via_proxy(), attempt, forged)
    assert REFUSED in fail_to_log_in(via_proxy(), 10, "192.0.2.99, 198.51.100.1")
    # Claiming the limited address on the left does not make another client the limited one.
    assert REFUSED not in fail_to_log_in(via_proxy(), 11, "198.51.100.1, 198.51.100.2")


def test_the_sessions_page_shows_the_address_the_proxy_saw(behind_the_proxy: None, alice: User):
    start = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
    laptop = via_proxy()
    with time_machine.travel(start, tick=False):
        laptop.post(
            reverse("account_login"),
            {"login": alice.email, "password": PASSWORD},
            headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.7"},
        )
    assert UserSession.objects.get(user=alice).ip == "198.51.100.7"
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        page = laptop.get(
            reverse("usersessions_list"), headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.9"}
        )
    assert UserSession.objects.get(user=alice).ip == "203.0.113.9"  # noted by NoteLastSeen
    assert "From 203.0.113.9" in page.text
    assert PROXY not in page.text
