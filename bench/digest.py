"""Benchmark: send the weekly digest to 10,000 users through an SMTP sink on loopback, which
runs in a process of its own (bench/smtp_sink.py), as a mail server would.

Prints messages per second and database queries per user, for the whole run and for a run a
tenth the size, to show the queries per user (and so per batch) do not grow with the users.
Run with: uv run python bench/digest.py
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import free_port, scratch_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from digest.services import digests_send_due
from relationships.services.muscles import muscles_recompute_all

USERS = int(os.environ.get("BENCH_USERS", "10000"))

SEED = """
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, language, time_zone, digest_enabled, digest_weekday,
    digest_hour, reach_out_size)
SELECT '!', false, %(prefix)s || u, 'Alex', '', %(prefix)s || u || '@example.org', false, true,
       now() - interval '30 days', (ARRAY['en', 'de'])[1 + u %% 2], 'UTC', true,
       extract(isodow FROM now())::int - 1, 0, 5
FROM generate_series(1, %(users)s) AS u;

INSERT INTO contacts_person (owner_id, name, spark, met_at, met_on, notes, circle, is_knot,
    status, archived, created_at, updated_at, organisation, role, city, photo,
    photo_thumbnail)
SELECT u.id, 'Person ' || p, 'Told a story about Lisbon', 'Stanford alumni dinner',
       current_date - (100 + p), '', 'inner', false, 'known', false, now(), now(),
       '', '', '', '', ''
FROM accounts_user u CROSS JOIN generate_series(1, 3) AS p
WHERE u.username LIKE %(prefix)s || '%%';
"""


@contextmanager
def smtp_sink(port: int) -> Iterator[list[int]]:
    """The sink in its own process; once stopped, the list holds how many it accepted."""
    sink = subprocess.Popen(  # noqa: S603 -- our own interpreter and script
        [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    accepted: list[int] = []
    try:
        assert sink.stdout is not None
        assert sink.stdout.readline().strip() == "ready"
        yield accepted
    finally:
        sink.terminate()
        out, _ = sink.communicate(timeout=30)
        accepted.append(int(out.strip() or 0))


def run(users: int, prefix: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(SEED, {"users": users, "prefix": prefix})
    muscles_recompute_all()
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        sent = digests_send_due(now=timezone.now())
        elapsed = time.perf_counter() - start
    assert sent == users
    print(
        f"{users:>6,} users: {sent / elapsed:7.1f} messages/s   "
        f"{queries / users:5.2f} queries per user   ({elapsed:.1f} s)"
    )


def main() -> None:
    port = free_port()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False},
        }
    }
    with (
        scratch_database(),
        smtp_sink(port) as accepted,
        override_settings(MAILERS=mailers, DIGEST_SPREAD_SECONDS=1),
    ):
        run(USERS // 10, "small")
        run(USERS, "large")
    print(f"The sink accepted {accepted[0]:,} messages.")


if __name__ == "__main__":
    main()
