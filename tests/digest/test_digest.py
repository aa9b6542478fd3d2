"""The weekly digest: content, one-tap links, and exactly once."""

import datetime
import html
import itertools
import re
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from contacts.models import Person
from conversations.models import Touch
from digest.models import DigestOutbox
from digest.services import (
    ACTION_SALT,
    Action,
    _claim,
    action_token,
    digest_message,
    digest_subject,
    digests_queue,
    digests_send_due,
    read_action,
)
from relationships.models import JobRun, Muscle
from relationships.services.muscles import muscles_recompute
from relationships.services.reach_out import ReachOutPage, reach_out
from tests.concurrency import run_at_once
from tests.factories import (
    FavourFactory,
    PersonDateFactory,
    PersonFactory,
    StoryFactory,
    UserFactory,
)
from tests.smtp import Sink, SMTPServer, free_port, wait_for

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Monday 23 November 2026, 08:00 in Berlin is 07:00 UTC.
MONDAY_8_BERLIN = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN)


def digest_user(**fields: object) -> User:
    fields = {
        "time_zone": "Europe/Berlin",
        "digest_weekday": 0,
        "digest_hour": 8,
        "date_joined": MONDAY_8_BERLIN - datetime.timedelta(days=30),
        **fields,
    }
    user = UserFactory(**fields)
    person = PersonFactory(
        owner=user,
        name="Helga Brandt",
        met_at="Stanford dinner",
        met_on=datetime.date(2025, 10, 1),
        circle="inner",
    )
    with time_machine.travel(MONDAY_8_BERLIN, tick=False):
        muscles_recompute(user_ids=[user.pk])
    assert person.pk
    return user


@pytest.fixture(autouse=True)
def _no_spread(settings: object) -> None:
    settings.DIGEST_SPREAD_SECONDS = 1  # type: ignore[attr-defined]


def send(at: datetime.datetime) -> int:
    with time_machine.travel(at, tick=False):
        return digests_send_due(now=at)


def test_it_queues_on_the_users_day_and_hour_in_their_time_zone(db: None):
    user = digest_user()
    assert digests_queue(now=MONDAY_8_BERLIN - datetime.timedelta(minutes=1)) == 0
    assert digests_queue(now=MONDAY_8_BERLIN) == 1
    assert digests_queue(now=MONDAY_8_BERLIN + datetime.timedelta(hours=5)) == 0
    (entry,) = DigestOutbox.objects.filter(user=user)
    assert entry.week == datetime.date(2026, 11, 23)


def test_a_user_who_joined_after_this_weeks_hour_waits_for_next_week(db: None):
    digest_user(date_joined=MONDAY_8_BERLIN + datetime.timedelta(hours=2))
    assert digests_queue(now=MONDAY_8_BERLIN + datetime.timedelta(hours=3)) == 0
    assert digests_queue(now=MONDAY_8_BERLIN + datetime.timedelta(days=7)) == 1


def test_it_sends_one_digest_per_week(db: None):
    user = digest_user(first_name="Alex")
    assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 1
    assert send(MONDAY_8_BERLIN + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "1 person to reach out to this week"
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Helga Brandt" in part
        assert "You met at Stanford dinner 13 months ago." in part
        assert "/digest/" in part
    assert "Hello Alex," in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert (
        message.extra_headers["Message-ID"] == f"<digest-{user.pk}-2026-11-23@knotwork.localhost>"
    )
    assert JobRun.objects.filter(name="digest").exists()
    assert send(MONDAY_8_BERLIN + datetime.timedelta(days=7, seconds=5)) == 1  # next week


def test_the_digest_is_in_the_users_language(db: None):
    digest_user(language="de")
    send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5))
    assert mail.outbox[0].subject == "1 Mensch, bei dem du dich diese Woche melden kannst"
    assert "Wir hatten Kontakt" in mail.outbox[0].alternatives[0][0]


def test_nothing_to_say_means_no_email(db: None):
    user = digest_user()
    Muscle.objects.filter(owner=user).update(quiet=False)
    assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 0
    assert mail.outbox == []
    assert DigestOutbox.objects.get(user=user).status == "skipped"


def test_turning_the_digest_off_after_it_was_queued_sends_nothing(db: None):
    user = digest_user()
    digests_queue(now=MONDAY_8_BERLIN)
    User.objects.filter(pk=user.pk).update(digest_enabled=False)
    assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 0
    assert mail.outbox == []


def test_deleting_the_account_after_it_was_queued_sends_nothing(db: None):
    user = digest_user()
    digests_queue(now=MONDAY_8_BERLIN)
    user.delete()
    assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_one_email_per_user(db: None):
    users = [digest_user() for _ in range(12)]
    at = MONDAY_8_BERLIN + datetime.timedelta(seconds=5)
    errors = run_at_once(lambda: digests_send_due(now=at), 3)
    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def link(user: User, name: str, person: Person | None = None) -> str:
    token = action_token(Action(user.pk, name, person.pk if person else None))
    return reverse("digest:action", args=[token])


def test_caught_up_from_the_email_asks_first_then_acts_without_a_login(transactional_db: None):
    user = digest_user()
    helga = Person.objects.get(owner=user)
    client = Client()
    page = client.get(link(user, "caught_up", helga))
    assert "Yes, we caught up" in page.text
    assert not Touch.objects.exists()  # GET never changes anything
    done = client.post(link(user, "caught_up", helga))
    assert "you caught up with Helga Brandt today" in done.text
    assert Touch.objects.filter(owner=user, person=helga).count() == 1
    assert not Muscle.objects.get(person=helga).quiet


def test_snooze_from_the_email(db: None):
    user = digest_user()
    helga = Person.objects.get(owner=user)
    Client().post(link(user, "snooze", helga))
    assert Muscle.objects.get(person=helga).snoozed_until is not None


def test_i_asked_from_the_email_answers_the_follow_up(db: None):
    user = digest_user()
    helga = Person.objects.get(owner=user)
    today = MONDAY_8_BERLIN.date()
    story = StoryFactory(owner=user, person=helga, text="Her operation", ask_on=today)
    story.conversation.people.set([helga])
    with time_machine.travel(MONDAY_8_BERLIN, tick=False):
        message = digest_message(user=user, page=reach_out(user=user), message_id="<x>")
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    tokens = {
        token
        for part in (html, message.body)
        for token in re.findall(r"/digest/([^/\s\"]+)/", part)
    }
    # Opened from the inbox an hour after it was sent: the links are signed for two weeks.
    with time_machine.travel(MONDAY_8_BERLIN + datetime.timedelta(hours=1), tick=False):
        (url,) = {
            reverse("digest:action", args=[token])
            for token in tokens
            if read_action(token) == Action(user.pk, "asked", helga.pk, story.pk)
        }
        page = Client().get(url)
        assert "Did you ask Helga Brandt about this?" in page.text
        assert "Her operation" in page.text
        Client().post(url)
    story.refresh_from_db()
    assert story.asked_on == today


def test_an_asked_link_for_someone_elses_follow_up_does_nothing(db: None):
    user = digest_user()
    helga = Person.objects.get(owner=user)
    stranger_story = StoryFactory(text="Not yours", ask_on=MONDAY_8_BERLIN.date())
    token = action_token(Action(user.pk, "asked", helga.pk, stranger_story.pk))
    response = Client().post(reverse("digest:action", args=[token]))
    assert response.status_code == 404
    stranger_story.refresh_from_db()
    assert stranger_story.asked_on is None


def test_links_mailed_before_follow_ups_could_be_answered_still_work(db: None):
    user = digest_user()
    helga = Person.objects.get(owner=user)
    old_token = signing.dumps([user.pk, "snooze", helga.pk], salt=ACTION_SALT)
    Client().post(reverse("digest:action", args=[old_token]))
    assert Muscle.objects.get(person=helga).snoozed_until is not None


def test_one_click_unsubscribe(db: None):
    user = digest_user()
    response = Client(enforce_csrf_checks=True).post(
        link(user, "unsubscribe"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.digest_enabled


def test_an_expired_link_says_so(db: None):
    user = digest_user()
    url = link(user, "caught_up", Person.objects.get(owner=user))
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=15)):
        response = Client().post(url)
    assert response.status_code == 410
    assert "This link has expired." in response.text
    assert not Touch.objects.exists()


def test_a_tampered_link_or_another_users_person_does_nothing(db: None):
    user, other = digest_user(), digest_user()
    others_person = Person.objects.get(owner=other)
    bad = Client().post(link(user, "caught_up", others_person))
    assert bad.status_code == 404
    assert "This link no longer works." in bad.text
    forged = signing.dumps([user.pk, "caught_up", others_person.pk], salt="wrong salt")
    response = Client().post(reverse("digest:action", args=[forged]))
    assert response.status_code == 404
    assert not Touch.objects.exists()


def test_the_preview_shows_this_weeks_email(db: None):
    user = digest_user()
    client = Client()
    client.force_login(user)
    with time_machine.travel(MONDAY_8_BERLIN, tick=False):
        response = client.get(reverse("digest:preview"))
        email = client.get(reverse("digest:preview_email"))
    assert "1 person to reach out to this week" in response.text
    assert reverse("digest:preview_email") in response.text  # the frame's page
    assert "Helga Brandt" in response.text  # in the plain-text part
    assert email.text.startswith("<!DOCTYPE html>")  # the whole email, for the frame
    assert "Helga Brandt" in email.text


def test_story_text_in_the_email_is_escaped(db: None):
    user = digest_user()
    helga = Person.objects.get(owner=user)
    StoryFactory(
        owner=user,
        person=helga,
        text="<script>alert(1)</script> Lisbon move",
        conversation__people=[helga],
        conversation__happened_on=datetime.date(2026, 8, 1),
    )
    with time_machine.travel(MONDAY_8_BERLIN, tick=False):
        muscles_recompute(user_ids=[user.pk])
    send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5))
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def smtp_mailer(port: int) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


def test_an_smtp_server_that_is_down_is_retried_with_backoff_and_nothing_doubles(
    db: None, settings: Any
):
    port = free_port()
    settings.MAILERS = smtp_mailer(port)
    user = digest_user()
    first_try = MONDAY_8_BERLIN + datetime.timedelta(seconds=5)
    assert send(first_try) == 0  # nothing listens on the port yet
    entry = DigestOutbox.objects.get(user=user)
    assert (entry.status, entry.attempts) == ("queued", 1)
    assert entry.send_after == first_try + datetime.timedelta(minutes=2)
    assert entry.last_error

    with SMTPServer(port, Sink()) as sink:
        assert send(first_try + datetime.timedelta(minutes=1)) == 0  # still backing off
        assert send(first_try + datetime.timedelta(minutes=3)) == 1
        assert send(first_try + datetime.timedelta(minutes=10)) == 0
        wait_for(lambda: len(sink.messages) == 1)
    (message,) = sink.messages
    assert message["To"] == user.email
    assert message["Message-ID"] == f"<digest-{user.pk}-2026-11-23@knotwork.localhost>"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Helga Brandt" in parts["text/plain"]
    assert "Helga Brandt" in parts["text/html"]
    assert DigestOutbox.objects.get(user=user).status == "sent"


def test_a_batch_of_fifty_reads_what_a_batch_of_five_reads(db: None, settings: Any):
    settings.DIGEST_BATCH_SIZE = 50

    def queries_for(count: int) -> int:
        User.objects.all().delete()
        for _ in range(count):
            digest_user()
        at = MONDAY_8_BERLIN + datetime.timedelta(seconds=5)
        with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
            assert digests_send_due(now=at) == count
        # The savepoints are this test's transaction around each message's; live, it is a
        # transaction of its own.
        return sum("SAVEPOINT" not in query["sql"] for query in queries.captured_queries)

    queries_for(1)  # the first run also records the job's health row
    five, fifty = queries_for(5), queries_for(50)
    # Each message costs its outcome and the renewal of the claim on the rest (exactly once);
    # what the batch reads to build its messages is the same handful for 5 users and for 50.
    assert fifty - 2 * 50 == five - 2 * 5 <= 20


def database_now() -> datetime.datetime:
    """The database's clock, which stamps claims and judges leases whatever the run's `now`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        now: datetime.datetime = cursor.fetchone()[0]
    return now


def test_a_claim_is_stamped_when_it_is_made_so_a_later_sender_leaves_it_alone(
    db: None, settings: Any
):
    user = digest_user()
    digests_queue(now=MONDAY_8_BERLIN)
    lease = datetime.timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    # A run that began more than a lease ago claims its next batch only now.
    began = database_now() - lease - datetime.timedelta(seconds=2)
    batch = _claim(began)
    assert batch is not None
    assert batch.stamp > began + lease
    # A second sender finds the batch still held: leases are judged by the database's clock,
    # whatever the run's `now` (here the queued week's, so no later week is queued).
    assert digests_send_due(now=MONDAY_8_BERLIN + lease) == 0
    assert mail.outbox == []
    assert DigestOutbox.objects.get(user=user).status == "sending"


def test_a_claim_older_than_the_lease_is_claimed_again_and_sent(db: None, settings: Any):
    user = digest_user()
    digests_queue(now=MONDAY_8_BERLIN)
    lease = datetime.timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    stale = database_now() - lease - datetime.timedelta(seconds=1)
    DigestOutbox.objects.filter(user=user).update(status="sending", claimed_at=stale)
    assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 1  # its sender died
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_batch_that_outlasts_the_lease_renews_its_claim_before_each_message(
    db: None, settings: Any
):
    port = free_port()
    settings.MAILERS = smtp_mailer(port)
    settings.DIGEST_CLAIM_LEASE_SECONDS = 1
    users = [digest_user() for _ in range(4)]
    with SMTPServer(port, Sink(delay=0.4)) as sink:
        assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 4
    assert sink.recipients() == sorted(u.email for u in users)
    # One batch, over a second and a half: each row's claim was renewed right before its own
    # message went out, so none of them was ever older than the lease while it was held.
    stamps = list(DigestOutbox.objects.order_by("pk").values_list("claimed_at", flat=True))
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert all(gap >= datetime.timedelta(seconds=0.4) for gap in gaps)
    assert stamps[-1] - stamps[0] > datetime.timedelta(seconds=1)


def reach_out_page(*, people: int = 0, follow_ups: int = 0, favours: int = 0) -> ReachOutPage:
    """Only how many of each there are matters to the subject."""
    return ReachOutPage(
        people=[object()] * people,  # type: ignore[list-item]
        follow_ups=[object()] * follow_ups,  # type: ignore[list-item]
        open_favours=[object()] * favours,  # type: ignore[list-item]
        want_to_meet=[],
        jobs={},
    )


@pytest.mark.parametrize(
    ("counts", "english", "german"),
    [
        (
            (1, 0, 0),
            "1 person to reach out to this week",
            "1 Mensch, bei dem du dich diese Woche melden kannst",
        ),
        (
            (3, 0, 0),
            "3 people to reach out to this week",
            "3 Menschen, bei denen du dich diese Woche melden kannst",
        ),
        ((0, 1, 0), "1 follow-up due this week", "1 fällige Nachfrage diese Woche"),
        ((0, 2, 0), "2 follow-ups due this week", "2 fällige Nachfragen diese Woche"),
        ((0, 0, 1), "1 open favour this week", "1 offener Gefallen diese Woche"),
        ((0, 0, 4), "4 open favours this week", "4 offene Gefallen diese Woche"),
        (
            (2, 1, 0),
            "This week: 2 people to reach out to and 1 follow-up",
            "Diese Woche: 2 Menschen zum Melden und 1 Nachfrage",
        ),
        (
            (1, 0, 2),
            "This week: 1 person to reach out to and 2 open favours",
            "Diese Woche: 1 Mensch zum Melden und 2 offene Gefallen",
        ),
        (
            (0, 3, 1),
            "This week: 3 follow-ups and 1 open favour",
            "Diese Woche: 3 Nachfragen und 1 offener Gefallen",
        ),
        (
            (5, 2, 2),
            "This week: 5 people to reach out to, 2 follow-ups and 2 open favours",
            "Diese Woche: 5 Menschen zum Melden, 2 Nachfragen und 2 offene Gefallen",
        ),
        ((0, 0, 0), "Nothing due this week", "Diese Woche steht nichts an"),
    ],
)
def test_the_subject_names_only_what_the_digest_holds(
    counts: tuple[int, int, int], english: str, german: str
):
    people, follow_ups, favours = counts
    page = reach_out_page(people=people, follow_ups=follow_ups, favours=favours)
    with translation.override("en"):
        assert digest_subject(page=page) == english
    with translation.override("de"):
        assert digest_subject(page=page) == german


def test_a_digest_of_open_favours_alone_says_so_in_german(db: None):
    user = digest_user(language="de")
    helga = Person.objects.get(owner=user)
    Muscle.objects.filter(owner=user).update(quiet=False)
    FavourFactory(person=helga, what="Ein Kontakt zu ihrem Verlag")
    assert send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5)) == 1
    (message,) = mail.outbox
    assert message.subject == "1 offener Gefallen diese Woche"
    for part in (message.body, message.alternatives[0][0]):
        assert "Ein Kontakt zu ihrem Verlag" in part
        assert "Nachfrage" not in part


def test_the_digest_carries_this_weeks_dates_and_a_coming_up_block(alice: User):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.UTC), tick=False):
        helga = PersonFactory(owner=alice, name="Helga", met_on=datetime.date(2026, 11, 1))
        PersonDateFactory(person=helga, month=11, day=27, year=1965)
        tom = PersonFactory(owner=alice, name="Tom", met_on=datetime.date(2026, 11, 1))
        PersonDateFactory(person=tom, month=12, day=10)
        muscles_recompute(user_ids=[alice.pk])
        message = digest_message(user=alice, page=reach_out(user=alice), message_id="<x>")
    html_part = next(content for content, kind in message.alternatives if kind == "text/html")
    for part in (message.body, html.unescape(html_part)):
        assert "Helga turns 61 on Friday." in part
        assert "Coming up" in part
        assert "Tom's birthday is on 10 December." in part
    assert message.subject == "1 person to reach out to this week"
    assert Person.objects.count() == 2


def test_each_person_in_the_digest_links_to_their_brief(db: None):
    user = digest_user()
    send(MONDAY_8_BERLIN + datetime.timedelta(seconds=5))
    (message,) = mail.outbox
    helga = Person.objects.get(owner=user)
    brief = django_settings.SITE_URL + reverse("relationships:brief", args=[helga.pk])
    assert f"Brief before you meet: {brief}" in message.body
    assert f'href="{brief}"' in message.alternatives[0][0]
