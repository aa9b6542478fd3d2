"""Load test: demo-sized data, gunicorn with two workers, and Locust in a second process on
loopback sending a minute of mixed logged-in traffic (home, people list, search as you type,
person page, a capture, a conversation), stepping the number of users up.

Prints each step's requests per second, p50, p95 and errors, and the step where errors or p95
start to climb. The target: at least 100 requests a second at p95 under 300 ms with no errors.
Run with: uv run python bench/load.py
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from harness import ROOT, gunicorn, scratch_database, session_cookie

from accounts.models import User
from contacts.models import Person

P95_LIMIT_MS = 300


def report(results: dict[str, list]) -> None:
    requests = results["requests"]
    start = min(at for at, _ms, _failed in requests)
    previous_end = 0
    climbed = None
    print(f"{'users':>6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for end, users in results["steps"]:
        step = [(ms, failed) for at, ms, failed in requests if previous_end <= at - start < end]
        previous_end = end
        if len(step) < 2:
            continue
        times = [ms for ms, _failed in step]
        errors = sum(failed for _ms, failed in step)
        p95 = statistics.quantiles(times, n=20)[18]
        rate = len(step) / 10
        print(f"{users:>6}{rate:>9.1f}{statistics.median(times):>9.1f}{p95:>9.1f}{errors:>8}")
        if climbed is None and (errors or p95 > P95_LIMIT_MS):
            climbed = users
    if climbed is None:
        print(f"\np95 stayed under {P95_LIMIT_MS} ms with no errors at every step.")
    else:
        print(f"\nErrors or p95 over {P95_LIMIT_MS} ms from {climbed} users on.")


def main() -> None:
    with scratch_database():
        call_command("demo", verbosity=0)
        user = User.objects.get(username="demo")
        client = Client()
        client.force_login(user)
        people = Person.objects.for_user(user).values_list("pk", flat=True)
        with gunicorn() as port, tempfile.TemporaryDirectory() as folder:
            results = Path(folder) / "results.json"
            env = {
                **os.environ,
                "LOAD_COOKIE": session_cookie(client),
                "LOAD_PEOPLE": ",".join(str(pk) for pk in people),
                "LOAD_RESULTS": str(results),
            }
            locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
            subprocess.run(  # noqa: S603 -- our own interpreter and arguments
                [*locust, "--headless", "--only-summary", "--host", f"http://127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                check=False,
            )
            report(json.loads(results.read_text()))


if __name__ == "__main__":
    main()
