"""Shared set-up for benchmarks: a throwaway database and a timer that prints p50 and p95."""

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotwork.settings")

from knotwork.embedded_db import ensure_database_url

ensure_database_url()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


@contextmanager
def scratch_database() -> Iterator[None]:
    """Run against a fresh database, dropped afterwards, so no real data is touched."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}"  # never the test suite's
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(label: str, action: Callable[[], object], runs: int = 50) -> float:
    """Time an action `runs` times after a warm-up and print p50 and p95 in milliseconds."""
    action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[18]
    print(f"{label:<40} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    return p95
