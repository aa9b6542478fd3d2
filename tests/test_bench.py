"""The page benchmark finds its pages by walking the URLconf: its seed must hold an object for
every kind of argument an address takes, or a new page would stop the benchmark rather than be
measured by it."""

import sys
from pathlib import Path

import pytest

from tests.walk import start_urls

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import pages  # bench/ is a folder of scripts, found through the path above


def test_the_page_benchmark_can_address_every_page(db: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pages, "ROWS", 20)
    urls = start_urls(pages.seed())
    assert "/upcoming/" in urls
    assert len(urls) > 40
