import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Person
from conversations.models import Story, Touch
from conversations.services import follow_up_asked
from relationships.models import JobRun, Muscle
from relationships.services.muscles import muscles_recompute
from relationships.services.reach_out import reach_out, reach_out_many
from tests.dates import NOW, TODAY, days_ago
from tests.factories import (
    ConversationFactory,
    FavourFactory,
    PersonFactory,
    StoryFactory,
    UserFactory,
    drawn_form,
)


def quiet_person(owner: User, name: str, **fields: object) -> Person:
    fields.setdefault("met_on", days_ago(300))
    return PersonFactory(owner=owner, name=name, **fields)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_list_is_short_specific_and_says_why(alice: User):
    helga = quiet_person(alice, "Helga", circle="inner")
    conversation = ConversationFactory(
        owner=alice, people=[helga], place="Stanford dinner", happened_on=days_ago(74)
    )
    StoryFactory(
        owner=alice,
        conversation=conversation,
        person=helga,
        text="She is moving to Lisbon in spring.",
    )
    for i in range(8):
        quiet_person(alice, f"Someone {i}")
    muscles_recompute(user_ids=[alice.pk])

    page = reach_out(user=alice)
    assert len(page.people) == 5
    first = page.people[0]
    assert first.person == helga
    assert first.reason() == (
        "You last talked 2 months ago, at Stanford dinner. You meant to be in touch every 3 weeks."
    )
    assert first.starter() == (
        "Last time Helga told you: “She is moving to Lisbon in spring.” Ask how that is going."
    )


def test_a_due_follow_up_or_an_open_favour_comes_before_the_latest_story(alice: User):
    helga = quiet_person(alice, "Helga", circle="inner")
    conversation = ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(60))
    StoryFactory(
        owner=alice,
        conversation=conversation,
        person=helga,
        text="Her mother's operation is in November.",
        ask_on=days_ago(5),
    )
    jonas = quiet_person(alice, "Jonas", circle="inner")
    FavourFactory(
        person=jonas,
        giver="me",
        origin="asked",
        what="Read his co-op's statutes",
        happened_on=days_ago(40),
    )
    muscles_recompute(user_ids=[alice.pk])
    starters = {entry.person.name: entry.starter() for entry in reach_out(user=alice).people}
    assert starters["Helga"] == "Ask how it went: “Her mother's operation is in November.”"
    assert starters["Jonas"] == "Ask about the open favour: “Read his co-op's statutes”"


def test_with_nothing_specific_it_says_when_and_where_you_met_and_no_filler(alice: User):
    quiet_person(alice, "Tom", met_at="Climbing gym", met_on=days_ago(200), spark="")
    muscles_recompute(user_ids=[alice.pk])
    (entry,) = reach_out(user=alice).people
    assert entry.reason().startswith("You met at Climbing gym 6 months ago.")
    assert entry.starter() == ""


def test_with_nothing_else_to_go_on_the_spark_is_the_starter(alice: User):
    quiet_person(alice, "Tom", met_on=days_ago(200), spark="His years in Shanghai")
    muscles_recompute(user_ids=[alice.pk])
    (entry,) = reach_out(user=alice).people
    assert entry.starter() == "What drew you to Tom: “His years in Shanghai” Start there."


def test_a_follow_up_stays_until_you_asked_whatever_else_happens(alice: User):
    helga = quiet_person(alice, "Helga")
    story = StoryFactory(
        owner=alice,
        conversation=ConversationFactory(owner=alice, people=[helga], happened_on=days_ago(30)),
        person=helga,
        text="Operation",
        ask_on=days_ago(2),
    )
    muscles_recompute(user_ids=[alice.pk])
    assert reach_out(user=alice).follow_ups == [story]
    Touch.objects.create(owner=alice, person=helga, happened_on=TODAY)
    FavourFactory(person=helga, happened_on=TODAY)  # something else entirely
    muscles_recompute(user_ids=[alice.pk])
    assert reach_out(user=alice).follow_ups == [story]
    follow_up_asked(story=story)
    assert reach_out(user=alice).follow_ups == []
    story.refresh_from_db()
    assert story.asked_on == TODAY


def test_i_asked_from_the_home_page_answers_the_follow_up(alice_client: Client, alice: User):
    helga = quiet_person(alice, "Helga")
    story = StoryFactory(owner=alice, person=helga, text="Operation", ask_on=days_ago(1))
    story.conversation.people.set([helga])
    home = alice_client.get(reverse("home")).text
    asked_url = reverse("conversations:asked", args=[story.pk])
    assert f'hx-post="{asked_url}"' in home
    response = alice_client.post(asked_url, headers={"HX-Request": "true"})
    assert "Asked" in response.text
    assert response.headers["HX-Trigger"] == "timeline-changed"
    assert reach_out(user=alice).follow_ups == []
    assert alice_client.get(reverse("home")).text.count(asked_url) == 0


def test_logging_a_conversation_offers_to_close_open_follow_ups(alice_client: Client, alice):
    helga = quiet_person(alice, "Helga")
    operation = StoryFactory(owner=alice, person=helga, text="Operation", ask_on=days_ago(1))
    move = StoryFactory(owner=alice, person=helga, text="Moving to Lisbon", ask_on=days_ago(9))
    for story in (operation, move):
        story.conversation.people.set([helga])
    url = reverse("conversations:create", args=[helga.pk])
    form = alice_client.get(url).text
    assert "You asked about" in form
    assert "“Operation”" in form
    assert "“Moving to Lisbon”" in form
    alice_client.post(
        url,
        {"happened_on": TODAY.isoformat(), "kind": "call", "answered": [operation.pk]}
        | drawn_form(),
    )
    operation.refresh_from_db()
    move.refresh_from_db()
    assert (operation.asked_on, move.asked_on) == (TODAY, None)
    assert "You asked about" in alice_client.get(url).text  # Lisbon is still open
    follow_up_asked(story=move)
    assert "You asked about" not in alice_client.get(url).text


def test_want_to_meet_people_are_listed_with_the_last_attempt(alice: User):
    mentor = PersonFactory(owner=alice, name="Dr. Kessler", status="want_to_meet")
    ConversationFactory(owner=alice, people=[mentor], kind="message", happened_on=days_ago(12))
    muscles_recompute(user_ids=[alice.pk])
    page = reach_out(user=alice)
    assert [(p.name, p.last_attempt) for p in page.want_to_meet] == [("Dr. Kessler", days_ago(12))]
    assert page.people == []


@pytest.mark.django_db(transaction=True)  # the answer shows what the commit recomputed
def test_caught_up_records_a_touch_and_takes_them_off_the_list(alice_client: Client, alice):
    helga = quiet_person(alice, "Helga Brandt")
    muscles_recompute(user_ids=[alice.pk])
    assert "Helga Brandt" in alice_client.get(reverse("home")).text
    response = alice_client.post(
        reverse("relationships:caught_up", args=[helga.pk]), headers={"HX-Request": "true"}
    )
    assert Touch.objects.filter(person=helga).count() == 1
    assert "you caught up with Helga Brandt today" in response.text
    assert f'href="/people/{helga.pk}/"' not in response.text
    assert not Muscle.objects.get(person=helga).quiet


@pytest.mark.parametrize(
    ("until", "snoozed_until"),
    [
        ("week", datetime.date(2026, 11, 29)),
        ("cycle", TODAY + datetime.timedelta(days=90)),
        ("2027-01-10", datetime.date(2027, 1, 10)),
    ],
)
def test_not_now_and_snooze_hide_someone_until_then(
    alice_client: Client, alice: User, until: str, snoozed_until: datetime.date
):
    helga = quiet_person(alice, "Helga Brandt")
    muscles_recompute(user_ids=[alice.pk])
    alice_client.post(reverse("relationships:snooze", args=[helga.pk]), {"until": until})
    assert Muscle.objects.get(person=helga).snoozed_until == snoozed_until
    assert reach_out(user=alice).people == []
    with time_machine.travel(snoozed_until + datetime.timedelta(days=1)):
        muscles_recompute(user_ids=[alice.pk])
        assert [e.person for e in reach_out(user=alice).people] == [helga]


@pytest.mark.parametrize("until", ["yesterday", "2020-01-01", "2030-01-01", ""])
def test_a_bad_snooze_date_is_explained_and_changes_nothing(alice_client: Client, alice, until):
    helga = quiet_person(alice, "Helga Brandt")
    muscles_recompute(user_ids=[alice.pk])
    response = alice_client.post(
        reverse("relationships:snooze", args=[helga.pk]),
        {"until": until},
        headers={"HX-Request": "true"},
    )
    assert "Pick a date" in response.text or "This field is required" in response.text
    assert Muscle.objects.get(person=helga).snoozed_until is None


@pytest.mark.django_db(transaction=True)  # the answer shows what the commit recomputed
def test_changing_the_rhythm_can_take_someone_off_the_list(alice_client: Client, alice: User):
    helga = quiet_person(alice, "Helga Brandt", circle="inner", met_on=days_ago(30))
    muscles_recompute(user_ids=[alice.pk])
    assert Muscle.objects.get(person=helga).quiet
    alice_client.post(reverse("relationships:cadence", args=[helga.pk]), {"cadence_days": "60"})
    helga.refresh_from_db()
    assert helga.cadence_days == 60
    assert not Muscle.objects.get(person=helga).quiet
    response = alice_client.post(
        reverse("relationships:cadence", args=[helga.pk]), {"cadence_days": "0"}, follow=True
    )
    assert "greater than or equal to 1" in response.text


def test_the_health_line_says_when_the_job_last_ran(alice_client: Client, alice: User):
    assert "have not been updated yet" in alice_client.get(reverse("home")).text
    JobRun.objects.create(name="muscles", finished_at=NOW - datetime.timedelta(minutes=12))
    assert "Relationships last updated 12 minutes ago." in alice_client.get(reverse("home")).text


def test_the_health_line_says_when_the_last_backup_ran(
    alice_client: Client, alice: User, settings: object
):
    settings.BACKUP_DIR = "/backups"  # type: ignore[attr-defined]
    assert "No backup yet." in alice_client.get(reverse("home")).text
    run = JobRun.objects.create(name="backup", finished_at=NOW - datetime.timedelta(hours=5))
    assert "Last backup 5 hours ago." in alice_client.get(reverse("home")).text

    run.finished_at = NOW - datetime.timedelta(days=3)
    run.save()
    assert (
        "The last backup was 3 days ago: one is overdue." in alice_client.get(reverse("home")).text
    )

    run.failures = 2
    run.save()
    assert "The last 2 backups failed: see the worker" in alice_client.get(reverse("home")).text


def test_without_scheduled_backups_the_health_line_judges_none(alice_client: Client, alice: User):
    assert "backup" not in alice_client.get(reverse("home")).text
    JobRun.objects.create(name="backup", finished_at=NOW - datetime.timedelta(days=30))
    assert "Last backup 4 weeks ago (24 October 2026)." in alice_client.get(reverse("home")).text


def test_an_empty_home_page_says_what_to_do(alice_client: Client, alice: User):
    assert "Nobody has gone quiet" in alice_client.get(reverse("home")).text


def test_the_home_page_runs_a_fixed_number_of_queries(alice_client: Client, alice: User):
    def queries_with(people: int) -> int:
        Person.objects.for_user(alice).delete()
        for i in range(people):
            person = quiet_person(alice, f"Person {i}", met_on=days_ago(100 + i))
            conversation = ConversationFactory(
                owner=alice, people=[person], happened_on=days_ago(99)
            )
            Story.objects.create(
                owner=alice,
                conversation=conversation,
                person=person,
                text="A story",
                ask_on=days_ago(1),
            )
            FavourFactory(person=person, status="open")
        PersonFactory(owner=alice, status="want_to_meet")
        muscles_recompute(user_ids=[alice.pk])
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(reverse("home")).status_code == 200
        return len(queries)

    small = queries_with(6)
    assert queries_with(60) == small
    assert small <= 12


def test_nobody_elses_people_are_listed(alice_client: Client, alice: User):
    bob = UserFactory()
    quiet_person(bob, "Bobs Friend")
    muscles_recompute(user_ids=[alice.pk, bob.pk])
    assert "Bobs Friend" not in alice_client.get(reverse("home")).text


def test_logging_a_conversation_moves_them_off_the_list_once_committed(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    helga = quiet_person(alice, "Helga Brandt")
    muscles_recompute(user_ids=[alice.pk])
    assert [e.person for e in reach_out(user=alice).people] == [helga]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alice_client.post(
            reverse("conversations:create", args=[helga.pk]),
            {"happened_on": TODAY.isoformat(), "kind": "call"} | drawn_form(),
        )
    assert callbacks  # the recomputation was queued for after the commit
    assert reach_out(user=alice).people == []
    assert Muscle.objects.get(person=helga).last_contact_on == TODAY


def account_with_a_history(name: str, size: int) -> User:
    """A user with quiet people (a knot among them), their stories, follow-ups, open favours,
    a birthday this week and someone they want to meet."""
    user = UserFactory(reach_out_size=size)
    people = [quiet_person(user, f"{name} {i}", circle="inner", is_knot=i == 3) for i in range(6)]
    for i, person in enumerate(people):
        talk = ConversationFactory(owner=user, people=[person], happened_on=days_ago(60 + i))
        StoryFactory(owner=user, conversation=talk, person=person, text=f"{name} story {i}")
        FavourFactory(
            owner=user, person=person, what=f"{name} favour {i}", happened_on=days_ago(90 + i)
        )
    StoryFactory(owner=user, person=people[1], text=f"{name} operation", ask_on=days_ago(1))
    soon = TODAY + datetime.timedelta(days=2)
    people[4].dates.create(owner=user, kind="birthday", month=soon.month, day=soon.day)
    PersonFactory(owner=user, name=f"{name} mentor", status="want_to_meet")
    muscles_recompute(user_ids=[user.pk])
    return user


def page_as_data(page) -> list[object]:
    return [
        [(e.person.pk, e.reason(), e.starter()) for e in page.people],
        [story.pk for story in page.follow_ups],
        [favour.pk for favour in page.open_favours],
        [(person.pk, person.last_attempt) for person in page.want_to_meet],
        [(o.person.pk, o.on) for o in page.coming_up],
    ]


def test_pages_built_together_are_each_users_own_page(db: None):
    users = [account_with_a_history(name, size) for name, size in (("Ana", 3), ("Ben", 5))]
    together = reach_out_many(users=users, today=TODAY)
    for user in users:
        alone = reach_out(user=user)
        assert alone.people, "the history puts people on the list"
        assert page_as_data(together[user.pk]) == page_as_data(alone)
    assert len(together[users[0].pk].people) == 3


def test_many_pages_take_the_queries_of_one(db: None):
    def queries_for(count: int) -> int:
        users = [account_with_a_history(f"U{i}", 5) for i in range(count)]
        with CaptureQueriesContext(connection) as queries:
            pages = reach_out_many(users=users, today=TODAY)
        assert all(pages[user.pk].people for user in users)
        return len(queries)

    assert queries_for(1) == queries_for(10) <= 10
