"""Benchmark: recompute every muscle for 1,000 users with 1,000 people each and 5 interactions a
person (2 conversations, 1 favour, 2 touches).

Prints the full recomputation's time beside a bare SQL aggregate over the same interactions,
measured in the same run (target: within 3 times of it), and the time to update one person
after one new interaction (target: under 50 ms).
Run with: uv run python bench/muscles.py   (seeding takes a few minutes)
"""

import datetime
import os
import statistics
import time

import time_machine
from django.db import connection
from harness import scratch_database

from conversations.models import Touch
from relationships.services.muscles import muscles_recompute_all, muscles_recompute_people

USERS = int(os.environ.get("BENCH_USERS", "1000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "1000"))

SEED = """
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, language, time_zone, digest_enabled, digest_weekday,
    digest_hour, reach_out_size)
SELECT '!', false, 'user' || u, '', '', 'user' || u || '@example.org', false, true, now(), 'en',
       (ARRAY['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'])[1 + u %% 4],
       true, 0, 8, 5
FROM generate_series(1, %(users)s) AS u;

INSERT INTO contacts_person (owner_id, name, spark, met_at, met_on, notes, circle, is_knot,
    status, archived, created_at, updated_at, organisation, role, city, photo,
    photo_thumbnail)
SELECT u.id, 'Person ' || p, '', '', current_date - (p %% 700)::int, '',
       (ARRAY['inner', 'close', 'wider', 'acquaintance'])[1 + p %% 4], p %% 50 = 0, 'known',
       false, now(), now(), '', '', '', '', ''
FROM accounts_user u CROSS JOIN generate_series(1, %(people)s) AS p;

INSERT INTO conversations_conversation (owner_id, happened_on, kind, place, notes, created_at)
SELECT p.owner_id, current_date - ((p.id * 7 + k * 31) %% 400)::int,
       (ARRAY['in_person', 'call', 'video', 'message', 'online'])[1 + (p.id + k) %% 5],
       '', '', now()
FROM contacts_person p CROSS JOIN generate_series(1, 2) AS k;

INSERT INTO conversations_conversation_people (conversation_id, person_id)
SELECT c.id, p.id
FROM (SELECT id, owner_id, row_number() OVER (PARTITION BY owner_id ORDER BY id) AS n
      FROM conversations_conversation) AS c
JOIN (SELECT id, owner_id, row_number() OVER (PARTITION BY owner_id ORDER BY id) AS n
      FROM contacts_person) AS p
  ON p.owner_id = c.owner_id AND p.n = 1 + (c.n - 1) / 2;

INSERT INTO favours_favour (owner_id, person_id, giver, origin, what, happened_on, status,
    outcome, created_at)
SELECT owner_id, id, (ARRAY['me', 'them'])[1 + id %% 2],
       (ARRAY['asked', 'offered'])[1 + id %% 3 %% 2],
       'A favour', current_date - (id %% 300)::int, (ARRAY['open', 'done'])[1 + id %% 2], '', now()
FROM contacts_person;

INSERT INTO conversations_touch (owner_id, person_id, happened_on, created_at)
SELECT owner_id, id, current_date - ((id * 13 + k * 17) %% 250)::int, now()
FROM contacts_person CROSS JOIN generate_series(1, 2) AS k;
"""

BARE_AGGREGATE = """
SELECT person_id, max(day), count(*), sum(weight)
FROM (
    SELECT cp.person_id, c.happened_on AS day, 1.0 AS weight
    FROM conversations_conversation_people cp
    JOIN conversations_conversation c ON c.id = cp.conversation_id
    UNION ALL SELECT person_id, happened_on, 1.0 FROM conversations_touch
    UNION ALL SELECT person_id, happened_on, 1.0 FROM favours_favour
) AS interactions
GROUP BY person_id
"""


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def bare_aggregate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(BARE_AGGREGATE)
        cursor.fetchall()


def main() -> None:
    with scratch_database():
        seeding = timed(
            lambda: connection.cursor().execute(SEED, {"users": USERS, "people": PEOPLE})
        )
        print(f"Seeded {USERS:,} users x {PEOPLE:,} people x 5 interactions in {seeding:.0f} s")
        # As autovacuum would leave them: otherwise the first reader of the fresh rows (the
        # first fill, not the bare aggregate, which never reads people) pays for their hint bits.
        connection.cursor().execute("VACUUM ANALYZE")
        bare = min(timed(bare_aggregate) for _ in range(2))
        first = timed(muscles_recompute_all)
        again = timed(muscles_recompute_all)
        with time_machine.travel(datetime.timedelta(days=1)):
            later = timed(muscles_recompute_all)
        print(f"bare SQL aggregate over all interactions  {bare:7.2f} s")
        print(f"full recomputation, first (inserts all)   {first:7.2f} s   {first / bare:.2f}x")
        print(f"full recomputation, again (rewrites none) {again:7.2f} s   {again / bare:.2f}x")
        print(f"full recomputation, a day later           {later:7.2f} s   {later / bare:.2f}x")

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, owner_id FROM contacts_person ORDER BY id LIMIT 50")
            people = cursor.fetchall()
        one = []
        for person_id, owner_id in people:
            start = time.perf_counter()
            # bulk_create sends no signals, so only the recomputation itself is timed.
            Touch.objects.bulk_create([Touch(owner_id=owner_id, person_id=person_id)])
            muscles_recompute_people(person_ids=[person_id])
            one.append((time.perf_counter() - start) * 1000)
        print(
            f"one person after one interaction          p50 {statistics.median(one):.1f} ms"
            f"   p95 {statistics.quantiles(one, n=20)[18]:.1f} ms"
        )


if __name__ == "__main__":
    main()
