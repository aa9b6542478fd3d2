"""Benchmark: send the weekly digest to 10,000 users through an SMTP sink on loopback, which
runs in a process of its own (bench/smtp_sink.py), as a mail server would.

Prints messages per second and database queries per user, for the whole run and for a run a
tenth the size, to show the queries per user (and so per batch) do not grow with the users;
first with one sender, then with BENCH_SENDERS (2) senders at once, as Celery workers would run,
each in its own process, which the claim design allows. For each run it prints the CPU time a
message costs the senders, the sink and the rest of the machine (the database, mostly; Linux).
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

from harness import free_port, scratch_database, scratch_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from digest.services import digests_queue, digests_send_due
from relationships.services.muscles import muscles_recompute_all

USERS = int(os.environ.get("BENCH_USERS", "10000"))
SENDERS = int(os.environ.get("BENCH_SENDERS", "2"))

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


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by one process, or by every process of the machine (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    if pid is None:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(
            int, Path("/proc/stat").read_text().split()[1:9]
        )
        return (user + nice + system + irq + softirq + steal) / ticks
    after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(after_name[11]) + int(after_name[12])) / ticks  # utime, stime


@contextmanager
def smtp_sink(port: int) -> Iterator[tuple[int, list[int]]]:
    """The sink in its own process, and its process id; once stopped, the list holds how many
    it accepted."""
    sink = subprocess.Popen(  # noqa: S603 -- our own interpreter and script
        [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    accepted: list[int] = []
    try:
        assert sink.stdout is not None
        assert sink.stdout.readline().strip() == "ready"
        yield sink.pid, accepted
    finally:
        sink.terminate()
        out, _ = sink.communicate(timeout=30)
        accepted.append(int(out.strip() or 0))


def send(port: int) -> None:
    """One sender: set up, say so, and on the word go send what it can claim; then print how
    many it sent and the queries it made."""
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with override_settings(MAILERS=mailers(port)), connection.execute_wrapper(count):
        connection.ensure_connection()
        print("ready", flush=True)
        sys.stdin.readline()
        began = time.process_time()
        sent = digests_send_due(now=timezone.now())
    print(sent, queries, time.process_time() - began, flush=True)


def run(users: int, prefix: str, port: int, sink: int, senders: int) -> None:
    """Queue a digest for each of `users` new users, then time `senders` processes sending."""
    with connection.cursor() as cursor:
        cursor.execute(SEED, {"users": users, "prefix": prefix})
    muscles_recompute_all()
    digests_queue(now=timezone.now())
    env = {**os.environ, "DATABASE_URL": scratch_url()}
    command = [sys.executable, __file__, "send", str(port)]
    processes = [
        subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # noqa: S603 -- our own script
        for _ in range(senders)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    machine, sink_cpu = cpu_seconds(), cpu_seconds(sink)
    for process in processes:  # all at once
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = [process.communicate(timeout=3600)[0].split() for process in processes]
    elapsed = time.perf_counter() - start
    machine, sink_cpu = cpu_seconds() - machine, cpu_seconds(sink) - sink_cpu
    sent = sum(int(out[0]) for out in outcomes)
    queries = sum(int(out[1]) for out in outcomes)
    senders_cpu = sum(float(out[2]) for out in outcomes)
    cores = os.cpu_count() or 1
    assert sent == users  # every user gets one, or the figure means nothing
    print(
        f"{users:>6,} users, {senders} sender{'s' if senders > 1 else ' '}: "
        f"{sent / elapsed:7.1f} messages/s   {queries / users:5.2f} queries per user   "
        f"({elapsed:.1f} s)"
    )
    print(
        f"{'':>6}  CPU a message: senders {senders_cpu / sent * 1000:.1f} ms, "
        f"sink {sink_cpu / sent * 1000:.1f} ms, database and the rest "
        f"{(machine - senders_cpu - sink_cpu) / sent * 1000:.1f} ms; at 200 a second "
        f"{cores} cores give {cores * 1000 / 200:.1f} ms a message"
    )


def mailers(port: int) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False},
        }
    }


def main() -> None:
    port = free_port()
    with (
        scratch_database(),
        smtp_sink(port) as (sink, accepted),
        override_settings(DIGEST_SPREAD_SECONDS=1),
    ):
        for senders in sorted({1, SENDERS}):
            run(USERS // 10, f"small{senders}-", port, sink, senders)
            run(USERS, f"large{senders}-", port, sink, senders)
    print(f"The sink accepted {accepted[0]:,} messages.")


if __name__ == "__main__":
    if sys.argv[1:2] == ["send"]:
        send(int(sys.argv[2]))
    else:
        main()
