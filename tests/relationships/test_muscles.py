"""The muscle formula and quiet detection, against hand-computed values (docs/muscles.md)."""

import datetime
import math

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from contacts.models import Person
from relationships.models import JobRun, Muscle
from relationships.services.muscles import muscles_recompute, muscles_recompute_all
from tests.concurrency import run_at_once
from tests.dates import NOW, TODAY, days_ago
from tests.factories import (
    ConversationFactory,
    FavourFactory,
    PersonFactory,
    TouchFactory,
    UserFactory,
)


def muscle(person: Person) -> Muscle:
    muscles_recompute(user_ids=[person.owner_id])
    return Muscle.objects.get(person=person)


@time_machine.travel(NOW, tick=False)
def test_the_worked_example_from_the_docs(alice: User):
    # Met in person 90 days ago (4 * 0.5 = 2.0), a call 30 days ago (2.5 * 0.5^(1/3) = 1.98425),
    # a favour she did for me, done, 180 days ago (2 * 0.25 = 0.5): raw 4.48425.
    helga = PersonFactory(owner=alice, circle="inner")
    ConversationFactory(owner=alice, people=[helga], kind="in_person", happened_on=days_ago(90))
    ConversationFactory(owner=alice, people=[helga], kind="call", happened_on=days_ago(30))
    FavourFactory(person=helga, status="done", happened_on=days_ago(180))
    result = muscle(helga)
    raw = 2.0 + 2.5 * 0.5 ** (30 / 90) + 0.5
    assert result.strength == pytest.approx(100 * (1 - math.exp(-raw / 8)))
    assert result.strength == pytest.approx(42.9, abs=0.05)
    assert result.last_contact_on == days_ago(30)
    assert result.due_on == days_ago(30) + datetime.timedelta(days=21)
    assert result.quiet  # 30 days since the call, inner circle every 21 days
    assert result.overdue == pytest.approx(30 / 21)


@time_machine.travel(NOW, tick=False)
def test_in_person_counts_more_than_a_call_more_than_a_message_more_than_online(alice: User):
    strengths = []
    for kind in ["in_person", "call", "message", "online"]:
        person = PersonFactory(owner=alice)
        ConversationFactory(owner=alice, people=[person], kind=kind, happened_on=days_ago(1))
        strengths.append(muscle(person).strength)
    assert strengths == sorted(strengths, reverse=True)
    assert len(set(strengths)) == 4


@time_machine.travel(NOW, tick=False)
def test_strength_decays_with_time(alice: User):
    recent, old = PersonFactory(owner=alice), PersonFactory(owner=alice)
    TouchFactory(person=recent, happened_on=days_ago(0))
    TouchFactory(person=old, happened_on=days_ago(90))
    assert muscle(old).strength == pytest.approx(100 * (1 - math.exp(-0.5 / 8)))
    assert muscle(recent).strength == pytest.approx(100 * (1 - math.exp(-1.0 / 8)))


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "record",
    [
        lambda p: ConversationFactory(owner=p.owner, people=[p], kind="message"),
        lambda p: TouchFactory(person=p),
        lambda p: FavourFactory(person=p, giver="me", origin="asked", status="open"),
        lambda p: FavourFactory(person=p, giver="them", origin="offered", status="open"),
    ],
    ids=["conversation", "touch", "favour for them", "favour for me"],
)
def test_any_interaction_resets_the_clock(alice: User, record):
    person = PersonFactory(owner=alice, circle="close", met_on=days_ago(200))
    assert muscle(person).quiet
    record(person)
    after = muscle(person)
    assert not after.quiet
    assert after.last_contact_on == TODAY


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("circle", "cadence_days", "days", "quiet"),
    [
        ("inner", None, 21, False),
        ("inner", None, 22, True),
        ("close", None, 45, False),
        ("close", None, 46, True),
        ("wider", None, 91, True),
        ("acquaintance", None, 180, False),
        ("acquaintance", None, 181, True),
        ("acquaintance", 10, 11, True),
    ],
)
def test_quiet_means_the_time_since_last_contact_passed_the_cadence(
    alice: User, circle: str, cadence_days: int | None, days: int, quiet: bool
):
    person = PersonFactory(owner=alice, circle=circle, cadence_days=cadence_days)
    TouchFactory(person=person, happened_on=days_ago(days))
    assert muscle(person).quiet is quiet


@pytest.mark.parametrize(
    ("zone", "quiet"), [("Pacific/Kiritimati", True), ("Pacific/Pago_Pago", False)]
)
def test_today_is_the_users_own_today(db: None, zone: str, quiet: bool):
    # 23:30 UTC on the 23rd is already the 24th in Kiritimati (UTC+14), still the 23rd in
    # Pago Pago (UTC-11): a touch on 2 Nov with a 21-day rhythm is overdue only in the first.
    user = UserFactory(time_zone=zone)
    person = PersonFactory(owner=user, circle="inner")
    TouchFactory(person=person, happened_on=datetime.date(2026, 11, 2))
    with time_machine.travel(datetime.datetime(2026, 11, 23, 23, 30, tzinfo=datetime.UTC)):
        assert muscle(person).quiet is quiet


@time_machine.travel(NOW, tick=False)
def test_met_long_ago_with_nothing_since_is_quiet_and_want_to_meet_never_is(alice: User):
    met = PersonFactory(owner=alice, circle="wider", met_on=days_ago(400))
    wanted = PersonFactory(owner=alice, status="want_to_meet", met_on=None)
    Person.objects.filter(pk=wanted.pk).update(created_at=NOW - datetime.timedelta(days=400))
    assert muscle(met).quiet
    assert muscle(met).last_contact_on == days_ago(400)
    assert not muscle(wanted).quiet


@time_machine.travel(NOW, tick=False)
def test_ranking_knots_and_inner_first_then_by_how_overdue_and_asks_move_up(alice: User):
    def quiet_person(circle: str, days: int, *, knot: bool = False) -> Person:
        person = PersonFactory(owner=alice, circle=circle, is_knot=knot)
        TouchFactory(person=person, happened_on=days_ago(days))
        return person

    knot = quiet_person("acquaintance", 200, knot=True)
    inner = quiet_person("inner", 30)
    close_far = quiet_person("close", 200)
    close_near = quiet_person("close", 50)
    close_asked = PersonFactory(owner=alice, circle="close")
    FavourFactory(person=close_asked, happened_on=days_ago(52))  # my only contact: an ask
    muscles_recompute(user_ids=[alice.pk])
    order = list(
        Muscle.objects.filter(owner=alice, quiet=True)
        .order_by("tier", "-overdue")
        .values_list("person__name", flat=True)
    )
    # Tier 0: inner 30/21 = 1.43, the close friend I only asked (moved up a tier) 52/45 = 1.16,
    # the knot 200/180 = 1.11. Tier 1: close 200/45 = 4.44, close 50/45 = 1.11.
    assert order == [p.name for p in (inner, close_asked, knot, close_far, close_near)]
    assert Muscle.objects.get(person=close_asked).only_asks


@time_machine.travel(NOW, tick=False)
def test_a_snooze_survives_recomputation(alice: User):
    person = PersonFactory(owner=alice, met_on=days_ago(400))
    muscles_recompute(user_ids=[alice.pk])
    Muscle.objects.filter(person=person).update(snoozed_until=days_ago(-7))
    muscles_recompute(user_ids=[alice.pk])
    assert Muscle.objects.get(person=person).snoozed_until == days_ago(-7)


def snapshot() -> list[tuple]:
    return list(
        Muscle.objects.order_by("person_id").values_list(
            "person_id", "strength", "last_contact_on", "quiet", "tier", "overdue"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_give_the_same_rows_as_one(db: None):
    users = [UserFactory() for _ in range(4)]
    for user in users:
        for i in range(30):
            person = PersonFactory(owner=user, met_on=days_ago(i * 10))
            TouchFactory(person=person, happened_on=days_ago(i * 7))
    muscles_recompute_all(batch_size=2)
    expected = snapshot()
    Muscle.objects.all().delete()

    errors = run_at_once(lambda: muscles_recompute_all(batch_size=2), 2)
    assert errors == []
    assert snapshot() == expected
    assert len(expected) == 120


@pytest.mark.django_db(transaction=True)
def test_one_failing_user_does_not_stop_the_others(db: None):
    good = [UserFactory() for _ in range(3)]
    broken = UserFactory()
    User.objects.filter(pk=broken.pk).update(time_zone="Mars/Olympus_Mons")  # fails in SQL
    for user in [*good, broken]:
        PersonFactory(owner=user)
    failures = muscles_recompute_all(batch_size=10)
    assert failures == 1
    assert set(Muscle.objects.values_list("owner_id", flat=True)) == {u.pk for u in good}
    run = JobRun.objects.get(name="muscles")
    assert run.failures == 1


def test_the_database_keeps_a_muscle_in_its_persons_account(alice: User, bob: User):
    mine, theirs = PersonFactory(owner=alice), PersonFactory(owner=bob)

    def refused(owner: User, person_id: int) -> bool:
        try:
            with transaction.atomic():
                Muscle.objects.create(owner=owner, person_id=person_id)
                connection.check_constraints()  # the deferred key, checked as a commit would
        except IntegrityError:
            return True
        return False

    assert refused(alice, theirs.pk)
    assert refused(bob, mine.pk)
    assert refused(alice, theirs.pk + mine.pk + 1)  # nobody's
    assert not refused(alice, mine.pk)
