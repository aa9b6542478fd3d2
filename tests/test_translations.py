"""Every text a person can see exists in German: a string added without its translation, or a
translation left out of the compiled catalogue, fails here rather than showing up in English."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
SOURCES = [
    path for path in ROOT.iterdir() if (path / "__init__.py").exists() or path.name == "templates"
]
NOT_SHOWN = {"tests", "bench"}


def _gettext_tool(name: str) -> str:
    tool = shutil.which(name)
    assert tool, f"{name} (GNU gettext) is needed to check the translations"
    return tool


def _msgids(po_text: str) -> list[str]:
    """The first line of every entry's msgid, except the header's empty one."""
    return [
        line.removeprefix("msgid ")
        for line in po_text.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogue as makemessages would write it now, from a copy of the sources."""
    copy = tmp_path_factory.mktemp("sources")
    for source in SOURCES:
        if source.name not in NOT_SHOWN:
            shutil.copytree(
                source, copy / source.name, ignore=shutil.ignore_patterns("__pycache__")
            )
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    shutil.copytree(ROOT / "locale", copy / "locale")
    _gettext_tool("xgettext")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_every_shown_text_has_a_german_translation(extracted: Path):
    untranslated = subprocess.run(
        [_gettext_tool("msgattrib"), "--untranslated", "--no-obsolete", str(extracted)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    guessed = subprocess.run(
        [_gettext_tool("msgattrib"), "--only-fuzzy", "--no-obsolete", str(extracted)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _msgids(untranslated) == []
    assert _msgids(guessed) == []


def test_the_compiled_catalogue_holds_every_translation(tmp_path: Path):
    compiled = tmp_path / "django.mo"
    subprocess.run([_gettext_tool("msgfmt"), "-o", str(compiled), str(CATALOGUE)], check=True)
    assert compiled.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes()
