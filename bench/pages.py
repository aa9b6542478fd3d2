"""Benchmark: every page and htmx partial, on data skewed the way a lifetime is, served by
gunicorn with two workers, next to the floor: a logged-in view that renders the empty layout.

The data holds 10,000 rows of every model, and on purpose not evenly: one person with 10,000
stories, favours, touches, channels and conversations, one conversation with 10,000 stories,
and 10,000 tags. The pages are found by walking the URLconf and the links and htmx requests on
them (tests/walk.py), so a new page is measured without being added here.

Prints, for each page: p50 and p95 server time over HTTP, p95 as a multiple of the floor's p95
(the target is 2x), the queries one request makes and where its time goes (the database's
milliseconds, and the rest: Python, forms and templates, measured in this process), and its size.
Run with: uv run python bench/pages.py        (BENCH_ROWS=1000 for a quicker look)
"""

import http.client
import os
import re
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from harness import gunicorn, scratch_database

from accounts.models import AccessToken, User
from calendars.models import CalendarFeed
from connections.models import Connection
from contacts.models import Channel, Person, PersonDate, Tag
from conversations.models import Conversation, Story, Touch
from favours.models import Favour
from portability.models import ImportBatch
from relationships.services.muscles import muscles_recompute_all
from tests.walk import Seeded, a_removal, crawl, signed_in_elsewhere, start_urls

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
# Each page is timed for this long, or this many requests, whichever comes first.
SECONDS_PER_PAGE = 8.0
REQUESTS_PER_PAGE = 40
TARGET = 2.0


def seed() -> Seeded:
    """One account: a person with a lifetime of everything, and a crowd around them."""
    user = User.objects.create_user("bench", "bench@example.org", "bench-password")
    # Everything with Helga is months old: she has gone quiet, so the home page and the digest
    # preview look up her latest story, follow-up, favour and conversation among thousands.
    today = timezone.localdate() - timedelta(days=120)
    helga = Person.objects.create(
        owner=user, name="Helga Brandt", spark="A brooch like a bicycle", met_on=today
    )
    Person.objects.bulk_create(
        Person(owner=user, name=f"Person {i}", spark=f"Met at event {i % 40}", met_on=today)
        for i in range(ROWS - 1)
    )
    tags = Tag.objects.bulk_create(Tag(owner=user, name=f"tag {i}") for i in range(ROWS))
    helga.tags.set(tags[:5])
    Channel.objects.bulk_create(
        Channel(person=helga, kind="email", value=f"helga{i}@example.org") for i in range(ROWS)
    )
    big = Conversation.objects.create(owner=user, happened_on=today, place="The long dinner")
    big.people.add(helga)
    Story.objects.bulk_create(
        Story(owner=user, conversation=big, person=helga, text=f"Story {i} about Lisbon")
        for i in range(ROWS)
    )
    talks = Conversation.objects.bulk_create(
        Conversation(owner=user, happened_on=today - timedelta(days=i % 3650), place=f"Cafe {i}")
        for i in range(ROWS - 1)
    )
    Conversation.people.through.objects.bulk_create(
        Conversation.people.through(conversation_id=talk.pk, person_id=helga.pk) for talk in talks
    )
    Favour.objects.bulk_create(
        Favour(owner=user, person=helga, giver="me", what=f"Favour {i}", happened_on=today)
        for i in range(ROWS)
    )
    Touch.objects.bulk_create(
        Touch(owner=user, person=helga, happened_on=today - timedelta(days=i)) for i in range(ROWS)
    )
    muscles_recompute_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have, long before a lifetime's data
    client = Client()
    client.force_login(user)
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Weiss\r\nEND:VCARD\r\n"
    upload = SimpleUploadedFile("contacts.vcf", card, content_type="text/vcard")
    client.post(reverse("portability:import_contacts"), {"contacts": upload, "once": "0" * 32})
    story = Story.objects.filter(conversation=big).first()
    CalendarFeed.objects.create(owner=user, with_stories=True)
    birthday = timezone.localdate() + timedelta(days=3)
    return Seeded(
        user,
        objects={
            "pk": helga,
            "person_pk": helga,
            "story_pk": story,
            "batch_pk": ImportBatch.objects.get(owner=user),
            "conversation": big,
            "favour": Favour.objects.filter(person=helga).first(),
            "date_pk": PersonDate.objects.create(
                owner=user, person=helga, month=birthday.month, day=birthday.day, year=1965
            ),
            "connection": Connection.objects.create(
                owner=user,
                person_a=helga,
                person_b=Person.objects.get(name="Person 1"),
                kind="friend",
            ),
            "token_pk": AccessToken.objects.create(
                owner=user, name="Phone", digest=uuid.uuid4().hex
            ),
            "session_pk": signed_in_elsewhere(user, "Firefox on a phone"),
            "removal_pk": a_removal(user),
        },
    )


def pages(client: Client, seeded: Seeded) -> list[tuple[str, str | None]]:
    """Every page and htmx partial the crawl finds, one of each shape: page 2 and page 3 of a
    list are the same page."""
    found: dict[tuple[str, tuple[str, ...], str | None], tuple[str, str | None]] = {}
    for response in crawl(client, start_urls(seeded), limit=600):
        if response.status != 200 or "text/html" not in response.content_type:
            continue
        parts = urlsplit(response.url)
        shape = (
            resolve(parts.path).route,
            tuple(sorted(re.findall(r"(\w+)=", parts.query))),
            response.htmx_target,
        )
        found.setdefault(shape, (response.url, response.htmx_target))
    return sorted(found.values(), key=lambda page: (page[0], page[1] or ""))


def timed(port: int, cookie: str, url: str, target: str | None) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds over HTTP, and the size of the answer in bytes."""
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if target is not None:
        headers |= {"HX-Request": "true", "HX-Target": target}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    timings: list[float] = []
    size = 0
    started = time.monotonic()
    for attempt in range(REQUESTS_PER_PAGE + 1):
        start = time.perf_counter()
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if attempt:  # the first warms the worker
            timings.append((time.perf_counter() - start) * 1000)
        size = len(body)
        if attempt >= 5 and time.monotonic() - started > SECONDS_PER_PAGE:
            break
    conn.close()
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    return statistics.median(timings), p95, size


class DatabaseTime:
    """Counts the queries a request makes and the milliseconds they take, so a page's time
    splits into the database's and the rest (Python: forms, templates)."""

    def __init__(self) -> None:
        self.queries, self.ms = 0, 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.ms += (time.perf_counter() - start) * 1000


def profile(client: Client, url: str, target: str | None) -> tuple[int, float, float]:
    """Queries, database ms and whole ms of one request in this process (the median of three)."""
    headers = {} if target is None else {"HX-Request": "true", "HX-Target": target}
    runs = []
    for _ in range(3):
        database = DatabaseTime()
        start = time.perf_counter()
        with connection.execute_wrapper(database):
            client.get(url, headers=headers)
        runs.append((database.queries, database.ms, (time.perf_counter() - start) * 1000))
    return sorted(runs, key=lambda run: run[2])[1]


def main() -> None:
    with scratch_database(), override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"]):
        print(f"Seeding {ROWS:,} rows of every model, skewed…", flush=True)
        seeded = seed()
        client = Client()
        client.force_login(seeded.owner)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        found = pages(client, seeded)
        print(f"{len(found)} pages and partials found by walking the URLconf", flush=True)
        with gunicorn() as port:
            floor_p50, floor_p95, floor_size = timed(port, cookie, "/floor/", None)
            print(
                f"\n{'page':<58}{'p50 ms':>9}{'p95 ms':>9}{'x floor':>9}{'queries':>9}"
                f"{'db ms':>8}{'py ms':>8}{'KB':>8}"
            )
            row = "{:<58}{:>9.1f}{:>9.1f}{:>9.1f}{:>9}{:>8.1f}{:>8.1f}{:>8.1f}{}"
            count, db_ms, whole_ms = profile(client, "/floor/", None)
            print(
                row.format(
                    "floor: the empty layout",
                    floor_p50,
                    floor_p95,
                    1.0,
                    count,
                    db_ms,
                    whole_ms - db_ms,
                    floor_size / 1024,
                    "",
                )
            )
            over = 0
            for url, target in found:
                p50, p95, size = timed(port, cookie, url, target)
                ratio = p95 / floor_p95
                over += ratio > TARGET
                label = url if target is None else f"{url} (htmx → {target or 'no target'})"
                mark = "  over 2x" if ratio > TARGET else ""
                count, db_ms, whole_ms = profile(client, url, target)
                print(
                    row.format(
                        label[:57],
                        p50,
                        p95,
                        ratio,
                        count,
                        db_ms,
                        whole_ms - db_ms,
                        size / 1024,
                        mark,
                    ),
                    flush=True,
                )
            print(f"\n{over} of {len(found)} over {TARGET:g}x the floor at p95")


if __name__ == "__main__":
    main()
