"""Benchmark: search with 100,000 stories and 10,000 people for one user, and as many for another.

Prints p50 and p95 database time (the summed time of the search's queries), the whole
service call, and the whole search page in process next to the floor (a logged-in view that
renders the empty layout, bench/urls.py), for typical searches. Targets: p95 database time
under 25 ms; the page within 2x the floor.
Run with: uv run python bench/search.py
"""

import statistics
import time

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from harness import measure, scratch_database

from accounts.models import User
from relationships.services.search import search_everything

PEOPLE, CONVERSATIONS = 10_000, 50_000  # two stories a conversation: 100,000 stories
SEARCHES = ["Helga", "operation", "Operationen", "travelling", "Lisbon flat", "Katarina", "Umzug"]

FIRST = [
    "Helga",
    "Jonas",
    "Priya",
    "Tom",
    "Anneliese",
    "Marcus",
    "Sophie",
    "Felix",
    "Grace",
    "Lena",
    "Daniel",
    "Mei",
    "Katharina",
    "Ben",
    "Clara",
    "Oliver",
    "Yusuf",
    "Ingrid",
    "Hannah",
    "Samuel",
    "Elif",
    "Matthias",
    "Rosa",
    "Paul",
    "Aisha",
    "Julia",
]
LAST = [
    "Brandt",
    "Weber",
    "Raman",
    "Fletcher",
    "Vogt",
    "Oyelaran",
    "Lambert",
    "Hoffmann",
    "O'Connell",
    "Schröder",
    "Kowalski",
    "Tanaka",
    "Engel",
    "Adeyemi",
    "Meyer",
    "Grant",
    "Demir",
    "Larsen",
    "Fischer",
    "Brooks",
    "Yilmaz",
    "Krüger",
    "Jiménez",
    "Zimmermann",
]
SENTENCES = [
    "Her mother's operation is planned for March",
    "He is travelling to Lisbon to look for a flat near the river",
    "Sie plant den Umzug nach Hamburg im Frühling",
    "Die Operation ihres Vaters ist gut verlaufen",
    "Training for the marathon after his knee surgery",
    "Rebuilding the bakery as a co-op with the neighbours",
    "Ihr Sohn beginnt im Herbst mit der Ausbildung zum Tischler",
    "Wants to write a small book about crossing the Alps by bicycle",
    "Started a repair café in the school basement",
    "Worried about the funding round and the new investors",
    "Learning German through Brecht songs and evening classes",
    "Sucht eine Wohnung in Leipzig für die ganze Familie",
]
PLACES = [
    "Stanford alumni dinner",
    "re:publica Berlin",
    "Founders breakfast",
    "Climbing gym",
    "Book club",
    "Repair café",
    "Web Summit side event",
    "Coaching circle Hamburg",
]


def seed(owner: User) -> None:
    params = {
        "owner": owner.pk,
        "first": FIRST,
        "last": LAST,
        "sentences": SENTENCES,
        "places": PLACES,
        "people": PEOPLE,
        "conversations": CONVERSATIONS,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO contacts_person (owner_id, name, spark, met_at, notes, circle, is_knot,
                status, archived, created_at, updated_at, organisation, role, city, photo,
    photo_thumbnail)
            SELECT %(owner)s,
                   (%(first)s::text[])[1 + i %% cardinality(%(first)s::text[])] || ' ' ||
                   (%(last)s::text[])[1 + (i / 26) %% cardinality(%(last)s::text[])],
                   (%(sentences)s::text[])[1 + (i * 7) %% cardinality(%(sentences)s::text[])],
                   (%(places)s::text[])[1 + i %% cardinality(%(places)s::text[])],
                   '', 'wider', false, 'known', false, now(), now(), '', '', '', '', ''
            FROM generate_series(0, %(people)s - 1) AS i
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO conversations_conversation (owner_id, happened_on, kind, place, notes,
                created_at)
            SELECT %(owner)s, current_date - (i %% 3000), 'in_person',
                   (%(places)s::text[])[1 + i %% cardinality(%(places)s::text[])],
                   (%(sentences)s::text[])[1 + (i * 5) %% cardinality(%(sentences)s::text[])]
                       || ' (notes ' || i || ')',
                   now()
            FROM generate_series(0, %(conversations)s - 1) AS i
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO conversations_conversation_people (conversation_id, person_id)
            SELECT c.id, p.id
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                  FROM conversations_conversation WHERE owner_id = %(owner)s) AS c
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n
                  FROM contacts_person WHERE owner_id = %(owner)s) AS p
              ON p.n = 1 + c.n %% %(people)s
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO conversations_story (owner_id, conversation_id, person_id, text, topics,
                created_at)
            SELECT %(owner)s, cp.conversation_id, cp.person_id,
                   (%(sentences)s::text[])[1 + (cp.conversation_id * 5 + k * 7)
                       %% cardinality(%(sentences)s::text[])] || ', story ' || k, '', now()
            FROM conversations_conversation_people AS cp
            JOIN conversations_conversation AS c
              ON c.id = cp.conversation_id AND c.owner_id = %(owner)s
            CROSS JOIN generate_series(1, 2) AS k
            """,
            params,
        )
        cursor.execute("ANALYZE")


def main() -> None:
    with scratch_database():
        start = time.perf_counter()
        users = [User.objects.create_user(f"bench{i}", f"bench{i}@example.org") for i in range(2)]
        for user in users:
            seed(user)
        print(
            f"Seeded {PEOPLE:,} people and {2 * CONVERSATIONS:,} stories for each of 2 users "
            f"in {time.perf_counter() - start:.0f} s"
        )
        user = users[0]
        for text in SEARCHES:
            db_times, call_times, hits = [], [], 0
            for _ in range(30):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    hits = len(search_everything(user=user, text=text))
                    call_times.append((time.perf_counter() - began) * 1000)
                db_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            print(
                f"{text!r:<16} {hits:>2} hits   database p50 {statistics.median(db_times):6.1f} ms"
                f"  p95 {statistics.quantiles(db_times, n=20)[18]:6.1f} ms"
                f"   whole call p95 {statistics.quantiles(call_times, n=20)[18]:6.1f} ms"
            )
        with override_settings(ROOT_URLCONF="bench.urls"):
            client = Client()
            client.force_login(user)
            floor = measure("floor: the empty layout", lambda: client.get("/floor/"))
            for text in SEARCHES:
                page = measure(
                    f"search page {text!r}", lambda text=text: client.get("/search/", {"q": text})
                )
                print(f"{'':<40} {page / floor:.1f}x the floor at p95")


if __name__ == "__main__":
    main()
