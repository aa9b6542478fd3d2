"""An install of the last release upgrades without losing anything: a database at that
release's migrations, filled the way it was used, migrated to today, keeps every row, and its
search vectors, indexes and constraints work."""

import datetime
import uuid
from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from common.once import create_once, fingerprint
from contacts.models import Channel, Person, Tag
from conversations.models import Conversation, Story, Touch
from digest.models import DigestOutbox
from favours.models import Favour
from portability.models import ImportBatch
from relationships.models import JobRun, Muscle
from relationships.services.search import search_everything

# The migrations of the last release (main at ef592f9): every app as it stood then; apps that
# did not exist yet are absent, which unapplies them.
LAST_RELEASE = [
    ("accounts", "0002_reach_out_size"),
    ("contacts", "0003_person_name_similar"),
    ("conversations", "0001_initial"),
    ("favours", "0001_initial"),
    ("relationships", "0005_muscle_heap_only_updates"),
    ("common", None),
    ("digest", None),
    ("portability", None),
]
DAY = datetime.date(2026, 3, 14)
KEY = uuid.UUID("6f1c0a52-4c35-4a7c-9c0e-2b1f0d8a6e11")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def last_release() -> Iterator[Apps]:
    """The database migrated back to the last release; whatever happens, forward again after."""
    executor = MigrationExecutor(connection)
    executor.migrate(LAST_RELEASE)
    try:
        yield executor.loader.project_state([node for node in LAST_RELEASE if node[1]]).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def fill(apps: Apps) -> dict[str, int]:
    """One account as the last release kept it, through that release's own models."""
    user = apps.get_model("accounts", "User").objects.create(
        username="helga-user", email="owner@example.org", language="de"
    )
    person = apps.get_model("contacts", "Person").objects.create(
        owner=user,
        name="Tomás Herrera",
        spark="Sailed to Lisbon",
        met_on=DAY,
        notes="ORG: Lisboa Vela\nTITLE: Skipper\nLoves the sea",  # as imports wrote them
    )
    tag = apps.get_model("contacts", "Tag").objects.create(owner=user, name="sailing")
    person.tags.add(tag)
    apps.get_model("contacts", "Channel").objects.create(person=person, value="t@example.org")
    conversation = apps.get_model("conversations", "Conversation").objects.create(
        owner=user, happened_on=DAY, place="Café Lisboa", notes="Long talk"
    )
    conversation.people.add(person)
    apps.get_model("conversations", "Story").objects.create(
        owner=user, conversation=conversation, person=person, text="Her operation", ask_on=DAY
    )
    touches = apps.get_model("conversations", "Touch").objects
    touches.create(owner=user, person=person, happened_on=DAY)
    apps.get_model("favours", "Favour").objects.create(
        owner=user, person=person, giver="them", what="An introduction", happened_on=DAY
    )
    apps.get_model("relationships", "Muscle").objects.create(
        person=person, owner=user, strength=42.5, snoozed_until=DAY
    )
    apps.get_model("relationships", "JobRun").objects.create(
        name="muscles", finished_at=timezone.now()
    )
    apps.get_model("relationships", "DigestOutbox").objects.create(
        user=user, week=DAY, status="sent", send_after=timezone.now()
    )
    apps.get_model("relationships", "Capture").objects.create(owner=user, key=KEY, person=person)
    apps.get_model("relationships", "ImportBatch").objects.create(
        owner=user, filename="phone.vcf", status="preview", candidates=[{"name": "Old"}]
    )
    return {"user": user.pk, "person": person.pk}


def test_the_last_release_upgrades_keeping_every_row(last_release: Apps):
    ids = fill(last_release)
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    person = Person.objects.get(pk=ids["person"])
    assert (person.name, person.spark, person.met_on) == ("Tomás Herrera", "Sailed to Lisbon", DAY)
    assert (person.organisation, person.role, person.notes) == (
        "Lisboa Vela",
        "Skipper",
        "Loves the sea",
    )
    assert [t.name for t in Tag.objects.filter(people=person)] == ["sailing"]
    assert Channel.objects.get(person=person).value == "t@example.org"
    conversation = Conversation.objects.get(people=person)
    assert (conversation.place, conversation.notes) == ("Café Lisboa", "Long talk")
    story = Story.objects.get(person=person)
    assert (story.text, story.ask_on) == ("Her operation", DAY)
    assert Touch.objects.filter(person=person).count() == 1
    assert Favour.objects.get(person=person).what == "An introduction"
    assert Muscle.objects.get(person=person).snoozed_until == DAY
    assert JobRun.objects.filter(name="muscles").exists()
    assert DigestOutbox.objects.get(user_id=ids["user"]).status == "sent"
    batch = ImportBatch.objects.get(
        owner_id=ids["user"]
    )  # kept, stopped: its entries' shape is gone
    assert (batch.filename, batch.status) == ("phone.vcf", "failed")
    # A capture's key still answers a resend from a phone that was offline during the upgrade,
    # though it was recorded before keys remembered the request they came with.
    resent = create_once(
        owner=person.owner,
        key=KEY,
        model=Person,
        fingerprint=fingerprint({"name": "Helga"}),
        create=lambda: pytest.fail("recorded a second time"),
    )
    assert resent == (person, False)


def test_search_indexes_and_constraints_come_through(last_release: Apps):
    ids = fill(last_release)
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    owner = Person.objects.get(pk=ids["person"]).owner
    # The vectors were rebuilt from the rows, now without accents: "cafe" finds "Café Lisboa".
    assert {hit.kind for hit in search_everything(user=owner, text="cafe")} == {"conversation"}
    assert {hit.kind for hit in search_everything(user=owner, text="Tomas")} == {"person"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT conname FROM pg_constraint")
        constraints = {row[0] for row in cursor.fetchall()}
    assert {
        "person_search",
        "person_name_folded",
        "conversation_search",
        "story_search",
        "story_open_follow_up",
        "favour_search",
        "muscle_reach_out",
        "digest_waiting",
    } <= indexes
    # Unique constraints over expressions are unique indexes in PostgreSQL.
    assert {
        "one_digest_per_user_and_week",
        "one_touch_per_person_and_day",
        "one_submission_per_key",
        "tag_unique_name_per_owner",
    } <= constraints | indexes
    person = Person.objects.get(pk=ids["person"])
    with pytest.raises(IntegrityError):  # and they hold
        Touch.objects.create(owner=owner, person=person, happened_on=DAY)
