"""`manage.py dev`: what it hands the web server, worker and beat it starts."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from knotwork.management.commands.dev import Command

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Runs `dev` up to the point where it would start its three processes, and keeps what
    they would have been given."""
    given: dict[str, object] = {}

    def run_together(self: Command, commands: dict[str, list[str]], env: dict[str, str]) -> None:
        given.update(commands=commands, env=env)

    monkeypatch.setattr(Command, "run_together", run_together)
    return given


def site_url_in(env: dict[str, str]) -> str:
    """SITE_URL as the settings of a process started with this environment read it."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "knotwork.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_it_points_links_in_mail_at_the_port_it_runs_on(
    db: None, started: dict, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("SITE_URL", raising=False)
    call_command("dev", "--port", "8123")
    assert started["commands"]["web"][-2:] == ["runserver", "8123"]
    assert site_url_in(started["env"]) == "http://localhost:8123"


def test_a_configured_site_address_is_kept(
    db: None, started: dict, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SITE_URL", "https://knotwork.example.org")
    call_command("dev", "--port", "8123")
    assert site_url_in(started["env"]) == "https://knotwork.example.org"
