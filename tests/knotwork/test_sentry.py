"""Error reports leave only when SENTRY_DSN is set, and never carry personal data."""

import os
import subprocess
import sys
from pathlib import Path

import sentry_sdk

from knotwork.sentry import scrub

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_dsn_nothing_is_initialised_or_sent():
    assert "SENTRY_DSN" not in os.environ
    assert not sentry_sdk.get_client().is_active()
    assert sentry_sdk.capture_message("this goes nowhere") is None


def test_with_a_dsn_it_reports_without_personal_data():
    """In a process of its own, so this test's client never outlives it."""
    script = (
        "import django, sentry_sdk; django.setup(); client = sentry_sdk.get_client();"
        "print(client.is_active(), client.options['send_default_pii'],"
        " client.options['include_local_variables'], client.options['before_send'].__name__)"
    )
    env = {**os.environ, "SENTRY_DSN": "https://public@127.0.0.1:9/1"}
    env["DJANGO_SETTINGS_MODULE"] = "knotwork.settings"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.stdout.split() == ["True", "False", "False", "scrub"]


def test_scrubbing_removes_the_request_body_cookies_user_and_query():
    event = {
        "user": {"id": 7, "email": "alice@example.org"},
        "breadcrumbs": {"values": [{"message": "SELECT … 'Helga Brandt'"}]},
        "request": {
            "url": "https://knotwork.example.org/search/?q=Helga",
            "query_string": "q=Helga",
            "data": {"name": "Helga Brandt"},
            "cookies": {"sessionid": "secret"},
            "env": {"REMOTE_ADDR": "198.51.100.7"},
            "headers": {"Cookie": "sessionid=secret", "User-Agent": "Firefox", "X-Real-IP": "1"},
        },
        "exception": {"values": [{"type": "ValueError"}]},
    }

    assert scrub(event, {}) == {
        "request": {
            "url": "https://knotwork.example.org/search/",
            "headers": {"User-Agent": "Firefox"},
        },
        "exception": {"values": [{"type": "ValueError"}]},
    }
