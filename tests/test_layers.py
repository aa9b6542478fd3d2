"""Templates keep the layers that import-linter keeps for Python (`lint-imports` in CI): a lower
app's template includes and loads nothing of an app above it, so it cannot show a higher app's
data, and links upward only where a reviewed reason says why. The layers are read from
pyproject.toml, the one place they are written."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
# Template folders that are not an app's own name: allauth's pages (accounts, two-factor,
# sessions) are the accounts layer.
FOLDER_APP = {
    "account": "accounts",
    "allauth": "accounts",
    "mfa": "accounts",
    "usersessions": "accounts",
}
# Tag libraries, by the app that defines them; Django's and third parties' are not listed.
LIBRARY_APP = {"humanize_dates": "common", "highlight": "relationships"}
# A link is not data: these pages point the way to a feature above them, and say why.
REVIEWED_LINKS = {
    # Settings is where people look for their digest and their data.
    ("accounts/preferences.html", "digest"),
    ("accounts/preferences.html", "portability"),
    ("accounts/preferences.html", "calendars"),
    # Deleting the account offers the export first.
    ("accounts/delete_account.html", "portability"),
    # Logging out with capture entries waiting offers to send them first.
    ("account/_logout_form.html", "capture"),
    # "Travelling to …" (the core's, as it ranks by muscle) is found from the people list, and
    # from the city someone lives in on their card.
    ("contacts/person_list.html", "relationships"),
    ("contacts/_person_card.html", "relationships"),
}


def layers() -> dict[str, int]:
    """Each app's height: 0 for common, more for each layer above."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return {
        app.strip(): height
        for height, layer in enumerate(reversed(contract["layers"]))
        for app in layer.split("|")
    }


def shown_apps(text: str) -> set[str]:
    """The apps whose templates or tags a template uses: what it can show."""
    apps = {
        FOLDER_APP.get(folder, folder)
        for folder in re.findall(r"""\{%\s*(?:include|extends)\s+['"](\w+)/""", text)
    }
    for libraries in re.findall(r"""\{%\s*load\s+([\w ]+?)\s*%\}""", text):
        apps |= {LIBRARY_APP[name] for name in libraries.split() if name in LIBRARY_APP}
    return apps


def linked_apps(text: str) -> set[str]:
    return set(re.findall(r"""\{%\s*url\s+['"](\w+):""", text))


def above(height: dict[str, int], app: str, other: str) -> bool:
    """Higher, or a different app on the same layer: the feature apps stay apart too."""
    if other not in height or other == app:
        return False
    return height[other] >= height[app]


def app_templates() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(TEMPLATES.glob("*/**/*.*")):
        relative = path.relative_to(TEMPLATES).as_posix()
        folder = relative.split("/")[0]
        found.append((relative, FOLDER_APP.get(folder, folder), path.read_text()))
    return found


def test_no_template_shows_anything_of_an_app_above_it():
    height = layers()
    upward = [
        f"{name} -> {other}"
        for name, app, text in app_templates()
        for other in shown_apps(text)
        if above(height, app, other)
    ]
    assert upward == []


def test_links_upward_are_only_the_reviewed_ones():
    height = layers()
    upward = {
        (name, other)
        for name, app, text in app_templates()
        for other in linked_apps(text)
        if above(height, app, other)
    }
    assert upward == REVIEWED_LINKS


def test_the_check_sees_an_upward_reference():
    height = layers()
    assert height["common"] < height["contacts"] < height["relationships"] < height["digest"]
    assert above(height, "capture", "digest")
    assert shown_apps('{% include "digest/_x.html" %}{% load i18n highlight %}') == {
        "digest",
        "relationships",
    }
    assert linked_apps("{% url 'relationships:person' 1 %}") == {"relationships"}
