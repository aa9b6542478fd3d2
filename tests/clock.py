"""The test run's clock, moved far from today when asked, to prove the suite gives the same
result on any day.

With KNOTWORK_TEST_CLOCK set (for example "2028-06-12T08:30 Pacific/Kiritimati": a Monday
morning there, while it is still Sunday night in UTC and in Berlin), the run starts at that
moment, in that time zone, and time goes on from there. Processes the tests start (a Celery
worker) are started through this module, and see the same moved clock:

    python -m tests.clock celery -A knotwork worker ...
"""

import contextlib
import datetime
import os
import runpy
import sys
import zoneinfo

import time_machine

CLOCK = "KNOTWORK_TEST_CLOCK"
# How far the run's clock is from the real one, for the processes it starts: "zone seconds".
OFFSET = "KNOTWORK_TEST_CLOCK_OFFSET"


def moved_clock() -> contextlib.AbstractContextManager[object]:
    """Travel to the asked-for moment, ticking; nothing when none is asked for."""
    if offset := os.environ.get(OFFSET):
        zone, seconds = offset.split()
        start = _real_now(zoneinfo.ZoneInfo(zone))
        start += datetime.timedelta(seconds=float(seconds))
    elif moment := os.environ.get(CLOCK):
        local, zone = moment.split()
        start = datetime.datetime.fromisoformat(local).replace(tzinfo=zoneinfo.ZoneInfo(zone))
        ahead = start - _real_now(datetime.UTC)
        os.environ[OFFSET] = f"{zone} {ahead.total_seconds()}"
    else:
        return contextlib.nullcontext()
    # A ZoneInfo destination moves the process's local time zone there too.
    return time_machine.travel(start, tick=True)


def _real_now(zone: datetime.tzinfo) -> datetime.datetime:
    """The real time, even from inside a run whose clock is already moved."""
    hatch = time_machine.escape_hatch
    return (
        hatch.datetime.datetime.now(zone) if hatch.is_travelling() else datetime.datetime.now(zone)
    )


if __name__ == "__main__":
    with moved_clock():
        sys.argv = sys.argv[1:]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
