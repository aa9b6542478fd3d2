"""One version number: knotwork/__init__.py says it, pyproject.toml and the changelog agree, and
the settings page shows it."""

import re
import tomllib
from pathlib import Path

from django.test import Client
from django.urls import reverse

from knotwork import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_is_semantic():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_pyproject_repeats_the_version():
    with (ROOT / "pyproject.toml").open("rb") as file:
        assert tomllib.load(file)["project"]["version"] == __version__


def test_the_changelog_names_this_release():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{__version__}] - " in changelog


def test_the_settings_page_shows_the_version(alice_client: Client):
    response = alice_client.get(reverse("accounts:preferences"))
    assert f"Knotwork {__version__}" in response.content.decode()
