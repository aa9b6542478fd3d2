"""Benchmark: the memory an export takes, for accounts of 1,000 and 10,000 people.

Each person has a channel, a tag, two conversations with a story each, a favour and a touch.
The JSON and vCard downloads are then read to the end, in a process of their own, through
the app's views; the script prints that process's peak resident memory before and after,
and the size of each file. Streamed, the peak stays the same whatever the account's size.
Run with: uv run python bench/exports.py
"""

import os
import subprocess
import sys
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from harness import ROOT, scratch_database

PASSWORD = "bench-password"  # noqa: S105 -- a throwaway account in a throwaway database
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]


def seed(people: int) -> str:
    """An account of `people` people with a little of everything; returns its username."""
    from accounts.models import User
    from contacts.models import Channel, Person, Tag
    from conversations.models import Conversation, Story, Touch
    from favours.models import Favour

    user = User.objects.create_user(f"export{people}", f"export{people}@example.org", PASSWORD)
    tag = Tag.objects.create(owner=user, name="friends")
    everyone = Person.objects.bulk_create(
        Person(owner=user, name=f"Person {i}", spark="Met at a long dinner " * 3, notes="n" * 200)
        for i in range(people)
    )
    Person.tags.through.objects.bulk_create(
        Person.tags.through(person_id=p.pk, tag_id=tag.pk) for p in everyone
    )
    Channel.objects.bulk_create(
        Channel(person=p, kind="email", value=f"p{p.pk}@example.org") for p in everyone
    )
    talks = Conversation.objects.bulk_create(
        Conversation(owner=user, happened_on=date(2025, 1, 1) + timedelta(days=i % 300))
        for i in range(2 * people)
    )
    Conversation.people.through.objects.bulk_create(
        Conversation.people.through(conversation_id=t.pk, person_id=everyone[i // 2].pk)
        for i, t in enumerate(talks)
    )
    Story.objects.bulk_create(
        Story(owner=user, conversation=t, person=everyone[i // 2], text="A story " * 20)
        for i, t in enumerate(talks)
    )
    Favour.objects.bulk_create(
        Favour(owner=user, person=p, giver="me", what="Lent a book", happened_on=date(2025, 2, 1))
        for p in everyone
    )
    Touch.objects.bulk_create(
        Touch(owner=user, person=p, happened_on=date(2025, 3, 1)) for p in everyone
    )
    return user.username


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure(username: str) -> None:
    """Run in a process of its own: download each export to the end, printing the memory."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    # An export asks for the password again, as it would in the browser.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("portability:data"))  # warm: code loaded, connection open
    for name in ("portability:export_json", "portability:export_vcf"):
        before = peak_rss_mb()
        start = time.perf_counter()
        size = sum(len(chunk) for chunk in client.get(reverse(name)).streaming_content)
        seconds = time.perf_counter() - start
        print(
            f"  {name.split(':')[1]:<12} {size / 2**20:8.1f} MB file in {seconds:5.1f} s   "
            f"peak memory {before:6.1f} MB before, {peak_rss_mb():6.1f} MB after",
            flush=True,
        )


def main() -> None:
    with scratch_database():
        database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/"
        database_url += settings.DATABASES["default"]["NAME"]
        for people in SIZES:
            username = seed(people)
            print(f"{people:,} people:", flush=True)
            connection.close()
            subprocess.run(  # noqa: S603 -- our own interpreter and script
                [sys.executable, __file__, "--measure", username],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": database_url},
                check=True,
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2])
    else:
        main()
