"""Shared set-up for benchmarks: a throwaway database and a timer that prints p50 and p95."""

import os
import signal
import socket
import statistics
import subprocess
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


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


def session_cookie(client: Client) -> str:
    """A logged-in test client's session, as a Cookie header for another process to send."""
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_url() -> str:
    """The benchmark's database, for another process to use."""
    return (
        os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + settings.DATABASES["default"]["NAME"]
    )


@contextmanager
def gunicorn() -> Iterator[int]:
    """The app in two gunicorn workers, on the benchmark's database, with the floor page."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": scratch_url(),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DB_CONN_MAX_AGE": "60",
    }
    command = [sys.executable, "-m", "gunicorn", "knotwork.wsgi", "--workers", "2"]
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [*command, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
