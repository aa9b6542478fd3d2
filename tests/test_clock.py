"""The moved clock really moves: a run asked to start far from today starts there, in the
asked-for time zone, and a process a test starts sees the same moment."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.clock import CLOCK, OFFSET, moved_clock

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def far(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(OFFSET, raising=False)
    monkeypatch.setenv(CLOCK, "2028-06-12T08:30 Pacific/Kiritimati")


def test_a_moved_run_starts_at_the_moment_and_zone_asked_for(far: None):
    with moved_clock():
        now = datetime.datetime.now(datetime.UTC)
        local = time.localtime()
    # Monday morning in Kiritimati is still Sunday night in UTC.
    assert (now.date(), now.hour) == (datetime.date(2028, 6, 11), 18)
    assert (local.tm_wday, local.tm_hour) == (0, 8)


def test_a_process_started_by_a_moved_run_sees_the_same_moment(far: None):
    with moved_clock():
        asked = subprocess.run(
            [sys.executable, "-m", "tests.clock", "tests.clock_probe"],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=True,
        )
        here = datetime.datetime.now(datetime.UTC)
    there = datetime.datetime.fromisoformat(asked.stdout.strip())
    assert abs((here - there).total_seconds()) < 30
    assert there.date() == datetime.date(2028, 6, 11)
