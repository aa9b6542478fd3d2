"""Undo instead of "are you sure": every form of the app, found by crawling every page, is sent
as drawn; whichever takes away or overwrites any of the account's rows must offer an Undo, and
the Undo must bring every table back exactly as it was."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import AccessToken, User
from accounts.services import token_create
from calendars.models import CalendarFeed
from common.undo import removals_end
from contacts.models import Person, PersonDate
from conversations.models import Story
from favours.models import Favour
from relationships.models import Muscle
from relationships.services.muscles import muscles_recompute
from tests.factories import (
    ConversationFactory,
    FavourFactory,
    PersonDateFactory,
    PersonFactory,
    StoryFactory,
    with_photo,
)
from tests.walk import Form, page_forms, project_models, rolled_back, seed_account

UNDO = re.compile(r'<form class="undo" method="post" action="([^"]+)"')

# Forms that change rows on purpose, where the change is what the person asked for, is shown,
# and is turned back with the same button or form: a toggle, a status, a choice. Each was
# reviewed; a form that takes something away does not belong here. (Edit forms, sent as drawn,
# change nothing, so they never come up.)
EDITS = {
    "contacts:archive": "archiving, turned back by the same button (Unarchive)",
    "conversations:asked": "marks a follow-up asked",
    "relationships:snooze": "a snooze, shown with its end",
    "relationships:cadence": "a person's rhythm, chosen again on the same form",
    "digest:action": "a digest link's one tap (caught up, snooze, unsubscribe), said on its page",
    "portability:import_confirm": "an import's preview, confirmed: the batch moves on to importing",
}


def dump() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the project, in order."""
    rows = {}
    with connection.cursor() as cursor:
        for model in project_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 -- our table names
            rows[table] = cursor.fetchall()
    return rows


def taken_or_changed(
    before: dict[str, list[tuple[object, ...]]], after: dict[str, list[tuple[object, ...]]]
) -> set[str]:
    """The tables in which a row that was there is gone or different."""
    return {
        table
        for table, rows in before.items()
        if set(map(repr, rows)) - set(map(repr, after[table]))
    }


def url_name(url: str) -> str:
    match = resolve(url)
    return f"{match.namespace}:{match.url_name}"


@pytest.fixture
def every_form(alice: User, alice_client: Client) -> list[Form]:
    seeded = seed_account(alice, lambda n: f"Typed text {n}", alice_client)
    return page_forms(alice_client, seeded)


def test_every_removal_offers_an_undo_that_puts_every_row_back(
    alice_client: Client, every_form: list[Form]
):
    offered, edited, without_undo, not_back = set(), set(), {}, {}
    for form in every_form:
        with rolled_back():
            before = dump()
            page = alice_client.post(form.action, form.data, follow=True).text
            changed = taken_or_changed(before, dump())
            name = url_name(form.action)
            undo = UNDO.findall(page)
            if not changed:
                continue
            if name in EDITS and not undo:
                edited.add(name)
                continue
            if not undo:
                without_undo[f"{name} {form.button}"] = sorted(changed)
                continue
            offered.add(f"{name} {form.button}".strip())
            alice_client.post(undo[0])
            after_undo = dump()
            if after_undo != before:
                not_back[name] = sorted(t for t in before if before[t] != after_undo[t])
    assert without_undo == {}
    assert not_back == {}
    assert edited == set(EDITS)  # each reviewed change is still reached, and still one
    # The walk reached every removal there is, so this cannot pass by missing them.
    assert {
        "contacts:photo_remove",
        "contacts:date_delete",
        "conversations:delete",
        "conversations:story_delete",
        "favours:delete",
        "connections:delete",
        "calendars:change renew",
        "calendars:change off",
        "accounts:token_revoke",
    } <= offered


@pytest.fixture
def date(alice: User) -> PersonDate:
    return PersonDateFactory(person=PersonFactory(owner=alice, name="Helga"))


def removed_date(client: Client, date: PersonDate) -> str:
    page = client.post(reverse("contacts:date_delete", args=[date.pk]), follow=True).text
    (undo,) = UNDO.findall(page)
    return undo


def test_a_date_deleted_on_the_person_page_offers_its_undo_in_place(
    alice_client: Client, date: PersonDate
):
    answer = alice_client.post(
        reverse("contacts:date_delete", args=[date.pk]), headers={"HX-Request": "true"}
    ).text
    assert "Date deleted." in answer
    (undo,) = UNDO.findall(answer)
    assert "autofocus" in answer.split(undo)[1].split("</form>")[0]
    assert not PersonDate.objects.filter(pk=date.pk).exists()
    page = alice_client.post(undo, follow=True)
    assert page.redirect_chain[-1][0] == date.person.get_absolute_url()
    assert "Undone: it is back as it was." in page.text
    assert PersonDate.objects.filter(pk=date.pk).exists()


def test_a_strangers_undo_of_a_real_removal_gets_404_and_changes_nothing(
    alice_client: Client, bob_client: Client, date: PersonDate
):
    undo = removed_date(alice_client, date)
    before = dump()
    assert bob_client.post(undo).status_code == 404
    assert dump() == before
    assert not PersonDate.objects.filter(pk=date.pk).exists()


def test_get_on_an_undo_changes_nothing(alice_client: Client, date: PersonDate):
    undo = removed_date(alice_client, date)
    before = dump()
    assert alice_client.get(undo).status_code == 405
    assert dump() == before


def test_an_undo_too_late_says_so_and_changes_nothing(alice_client: Client, date: PersonDate):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        undo = removed_date(alice_client, date)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 10, 1, tzinfo=datetime.UTC)):
        before = dump()
        page = alice_client.post(undo, follow=True)
        assert "This can no longer be undone: it was more than 10 minutes ago." in page.text
        assert dump() == before
        assert removals_end(now=timezone.now()) == 1
    assert alice_client.post(undo).status_code == 404
    assert not PersonDate.objects.filter(pk=date.pk).exists()


def test_an_undo_just_in_time_works(alice_client: Client, date: PersonDate):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        undo = removed_date(alice_client, date)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 9, 59, tzinfo=datetime.UTC)):
        assert removals_end(now=timezone.now()) == 0
        alice_client.post(undo)
    assert PersonDate.objects.filter(pk=date.pk).exists()


def test_undo_of_a_photo_brings_its_files_back(
    alice: User, alice_client: Client, django_capture_on_commit_callbacks
):
    person = with_photo(PersonFactory(owner=alice))
    files = [person.photo.name, person.photo_thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        page = alice_client.post(
            reverse("contacts:photo_remove", args=[person.pk]), follow=True
        ).text
    person.refresh_from_db()
    assert not person.photo
    assert all(default_storage.exists(name) for name in files)  # kept while it can be undone
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(UNDO.findall(page)[0])
    person.refresh_from_db()
    assert [person.photo.name, person.photo_thumbnail.name] == files
    assert all(default_storage.exists(name) for name in files)
    assert alice_client.get(reverse("contacts:photo", args=[person.pk])).status_code == 200


def test_a_removed_photo_is_deleted_once_it_can_no_longer_be_undone(
    alice: User, alice_client: Client, django_capture_on_commit_callbacks
):
    person = with_photo(PersonFactory(owner=alice))
    files = [person.photo.name, person.photo_thumbnail.name]
    alice_client.post(reverse("contacts:photo_remove", args=[person.pk]))
    later = timezone.now() + datetime.timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert removals_end(now=later) == 1
    assert not any(default_storage.exists(name) for name in files)


def test_a_photo_added_after_the_removal_is_replaced_by_the_undo_and_its_files_go(
    alice: User, alice_client: Client, django_capture_on_commit_callbacks
):
    person = with_photo(PersonFactory(owner=alice))
    old = person.photo.name
    page = alice_client.post(reverse("contacts:photo_remove", args=[person.pk]), follow=True).text
    with_photo(Person.objects.get(pk=person.pk))
    newer = Person.objects.get(pk=person.pk).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(UNDO.findall(page)[0])
    assert Person.objects.get(pk=person.pk).photo.name == old
    assert not default_storage.exists(newer)


def test_an_undo_after_the_person_was_edited_keeps_the_edit(alice: User, alice_client: Client):
    person = with_photo(PersonFactory(owner=alice, name="Helga"))
    date = PersonDateFactory(person=person)
    photo_page = alice_client.post(
        reverse("contacts:photo_remove", args=[person.pk]), follow=True
    ).text
    undo_date = removed_date(alice_client, date)
    Person.objects.filter(pk=person.pk).update(name="Helga Meier", spark="her brooch")
    alice_client.post(UNDO.findall(photo_page)[0])
    alice_client.post(undo_date)
    person.refresh_from_db()
    assert (person.name, person.spark) == ("Helga Meier", "her brooch")
    assert person.photo
    assert PersonDate.objects.filter(pk=date.pk, person=person).exists()


def test_an_undo_that_something_since_stands_in_the_way_of_says_so(
    alice: User, alice_client: Client
):
    """The feed turned off, then on again: the old one cannot come back beside the new."""
    CalendarFeed.objects.create(owner=alice)
    page = alice_client.post(reverse("calendars:change"), {"action": "off"}, follow=True).text
    alice_client.post(reverse("calendars:change"), {"action": "on"})
    new = CalendarFeed.objects.get(owner=alice)
    answer = alice_client.post(UNDO.findall(page)[0], follow=True).text
    assert "something has changed in its place" in answer
    assert list(CalendarFeed.objects.filter(owner=alice)) == [new]


def test_a_renewed_feed_address_comes_back_and_the_new_one_ends(alice: User, alice_client: Client):
    feed = CalendarFeed.objects.create(owner=alice)
    old = feed.url
    page = alice_client.post(reverse("calendars:change"), {"action": "renew"}, follow=True).text
    new = CalendarFeed.objects.get(pk=feed.pk).url
    assert alice_client.get(old).status_code == 404
    alice_client.post(UNDO.findall(page)[0])
    assert Client().get(old.split("testserver")[-1]).status_code == 200
    assert Client().get(new.split("testserver")[-1]).status_code == 404


def test_a_revoked_token_stops_at_once_and_an_undo_brings_it_back(
    alice: User, alice_client: Client
):
    token, secret = token_create(owner=alice, name="laptop", scope="read")
    bearer = {"Authorization": f"Bearer {secret}"}
    page = alice_client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True).text
    assert Client().get("/api/v1/people", headers=bearer).status_code == 401
    alice_client.post(UNDO.findall(page)[0])
    assert AccessToken.objects.filter(pk=token.pk).exists()
    assert Client().get("/api/v1/people", headers=bearer).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_muscles_are_right_again_after_an_undo(alice: User):
    client = Client()
    client.force_login(alice)
    helga = PersonFactory(owner=alice, met_on=datetime.date(2020, 1, 1))
    conversation = ConversationFactory(owner=alice, happened_on=timezone.localdate())
    conversation.people.add(helga)
    FavourFactory(owner=alice, person=helga)
    StoryFactory(owner=alice, conversation=conversation, person=helga)
    muscles_recompute(user_ids=[alice.pk])

    def strength() -> tuple[object, ...]:
        return tuple(Muscle.objects.filter(person=helga).values_list().get())

    before = strength()
    page = client.post(reverse("conversations:delete", args=[conversation.pk]), follow=True).text
    assert strength() != before
    client.post(UNDO.findall(page)[0])
    assert strength() == before
    assert Story.objects.filter(conversation=conversation).count() == 1
    assert Favour.objects.filter(person=helga).count() == 1


def test_no_removal_button_asks_are_you_sure():
    root = Path(__file__).resolve().parents[1]
    sources = [*root.glob("templates/**/*.html"), *root.glob("static/js/*.js")]
    assert [str(p) for p in sources if re.search(r"confirm\(|hx-confirm", p.read_text())] == []
