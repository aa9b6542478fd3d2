"""Prints what a process started through tests/clock.py takes the time to be."""

import datetime

print(datetime.datetime.now(datetime.UTC).isoformat())
