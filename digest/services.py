"""The weekly digest: queue one per user and week, claim, then send, exactly once.

How "exactly once" holds, and the one window it cannot close, is in docs/digest.md."""

import datetime
import logging
import smtplib
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common import emails
from digest.models import DigestOutbox
from relationships.models import JobRun
from relationships.services.reach_out import ReachOutPage, reach_out_many

logger = logging.getLogger(__name__)
DIGEST_JOB = "digest"
MAX_ATTEMPTS = 8
ACTION_SALT = "knotwork.digest.action"
ACTIONS = ("caught_up", "snooze", "asked", "unsubscribe")
SKIPPED = DigestOutbox.Status.SKIPPED

QUEUE_SQL = """
INSERT INTO digest_digestoutbox (user_id, week, status, send_after, attempts, last_error)
SELECT id, monday, %(queued)s,
       slot + make_interval(secs => abs(hashtext(id::text)) %% %(spread)s), 0, ''
FROM (
    SELECT u.id, u.date_joined, w.monday,
           ((w.monday + u.digest_weekday) + make_interval(hours => u.digest_hour))
               AT TIME ZONE u.time_zone AS slot
    FROM accounts_user u
    CROSS JOIN LATERAL (
        SELECT date_trunc('week', %(now)s::timestamptz AT TIME ZONE u.time_zone)::date AS monday
    ) AS w
    WHERE u.is_active AND u.digest_enabled
) AS due
WHERE slot <= %(now)s AND slot >= date_joined
ON CONFLICT (user_id, week) DO NOTHING
"""

# What is due is decided by the run's `now`; a claim is stamped, and its lease judged, by the
# database's clock when the statement runs, so a run that lasts long stamps its later batches
# with the time they were really claimed, and every sender measures leases on one clock.
# statement_timestamp() is one value for the whole statement: a batch shares one stamp.
CLAIM_SQL = """
UPDATE digest_digestoutbox
SET status = %(sending)s, claimed_at = statement_timestamp(), attempts = attempts + 1
WHERE id IN (
    SELECT id FROM digest_digestoutbox
    WHERE (status = %(queued)s AND send_after <= %(now)s)
       OR (status = %(sending)s
           AND claimed_at < statement_timestamp() - make_interval(secs => %(lease)s))
    ORDER BY send_after
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id, claimed_at
"""

# Before each message: renew the lease on the rows of the batch this sender still holds (still
# sending, still carrying its stamp: any other claim would have changed the stamp), and read
# whether each of their users still wants the digest, all in one round trip.
HOLD_SQL = """
WITH held AS (
    UPDATE digest_digestoutbox
    SET claimed_at = statement_timestamp()
    WHERE id = ANY(%(ids)s) AND status = %(sending)s AND claimed_at = %(stamp)s
    RETURNING id, user_id, claimed_at
)
SELECT held.id, held.claimed_at, u.is_active AND u.digest_enabled
FROM held JOIN accounts_user u ON u.id = held.user_id
"""


def digests_queue(*, now: datetime.datetime) -> int:
    """Queue this week's digest for every user whose chosen day and hour has come, in their own
    time zone; a user who joined after this week's hour waits for next week."""
    params: dict[str, datetime.datetime | int | str] = {
        "now": now,
        "spread": max(settings.DIGEST_SPREAD_SECONDS, 1),
        "queued": DigestOutbox.Status.QUEUED,
    }
    with connection.cursor() as cursor:
        cursor.execute(QUEUE_SQL, params)
        queued: int = cursor.rowcount
    return queued


@dataclass
class Batch:
    """Digests claimed together. `stamp` is the `claimed_at` of every row of it this sender
    still holds, renewed before each message."""

    entries: list[DigestOutbox]
    stamp: datetime.datetime


@dataclass(frozen=True)
class Hold:
    """What this sender still holds of a batch: the renewed stamp, and for each row it holds,
    whether its user still wants the digest."""

    stamp: datetime.datetime | None
    wanted: dict[int, bool]


def _claim(now: datetime.datetime) -> Batch | None:
    """Claim a batch in one short transaction, before anything is sent: a second sender skips
    these rows, and one that died is claimed again only after the lease runs out. The users
    come along for the message's language and address; whether they still want it is read
    again before each message (`_hold`)."""
    params: dict[str, datetime.datetime | int | str] = {
        "now": now,
        "lease": settings.DIGEST_CLAIM_LEASE_SECONDS,
        "batch": settings.DIGEST_BATCH_SIZE,
        "queued": DigestOutbox.Status.QUEUED,
        "sending": DigestOutbox.Status.SENDING,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    entries = DigestOutbox.objects.filter(pk__in=[row[0] for row in rows]).select_related("user")
    return Batch(entries=list(entries.order_by("pk")), stamp=rows[0][1])


def _hold(ids: list[int], stamp: datetime.datetime) -> Hold:
    params: dict[str, list[int] | datetime.datetime | str] = {
        "ids": ids,
        "stamp": stamp,
        "sending": DigestOutbox.Status.SENDING,
    }
    with connection.cursor() as cursor:
        cursor.execute(HOLD_SQL, params)
        rows = cursor.fetchall()
    return Hold(stamp=rows[0][1] if rows else None, wanted={row[0]: row[2] for row in rows})


def _finish(entry: DigestOutbox, stamp: datetime.datetime, **changes: Any) -> bool:
    """Record the outcome, unless another sender has claimed the row since."""
    held = DigestOutbox.objects.filter(
        pk=entry.pk, status=DigestOutbox.Status.SENDING, claimed_at=stamp
    )
    return held.update(**changes) == 1


def digests_send_due(*, now: datetime.datetime | None = None) -> int:
    """Queue what is due, then claim and send batch after batch. Returns how many were sent."""
    now = now or timezone.now()
    digests_queue(now=now)
    sent = 0
    while batch := _claim(now):
        sent += _send_batch(batch, now)
    if sent:
        JobRun.objects.update_or_create(name=DIGEST_JOB, defaults={"finished_at": timezone.now()})
    return sent


def _send_batch(batch: Batch, now: datetime.datetime) -> int:
    """Send a claimed batch through one SMTP connection, renewing the claim before each message
    and stopping as soon as this sender no longer holds any of it. A message's outcome commits
    together with the renewal for the rest: nothing happens between the two, and it is one
    write to disk a message instead of two."""
    messages = _build_all(batch.entries)
    ids = [entry.pk for entry in batch.entries]
    sent = 0
    hold = _hold(ids, batch.stamp)
    mailer = emails.connection()
    try:
        for position, entry in enumerate(batch.entries):
            if hold.stamp is None:
                logger.warning(
                    "Digest batch lost its claim at %s; left to its new sender", entry.pk
                )
                break
            batch.stamp = hold.stamp
            outcome = _outcome(entry, hold, messages[entry.pk], mailer, now)
            with transaction.atomic():
                if outcome is not None:
                    _record(entry, batch.stamp, outcome)
                if rest := ids[position + 1 :]:
                    hold = _hold(rest, batch.stamp)
            sent += outcome is not None and outcome["status"] == DigestOutbox.Status.SENT
    finally:
        mailer.close()
    return sent


def _outcome(
    entry: DigestOutbox,
    hold: Hold,
    message: EmailMultiAlternatives | None,
    mailer: Any,
    now: datetime.datetime,
) -> dict[str, Any] | None:
    """What became of one digest, as the changes to its row; None when it is not ours."""
    if entry.pk not in hold.wanted:
        return None  # claimed by another sender, or the user was deleted
    if not hold.wanted[entry.pk]:
        return {"status": SKIPPED, "last_error": "digest turned off"}
    if message is None:
        return {"status": SKIPPED, "last_error": "nothing to say"}
    return _send_one(entry, message, mailer, now)


def _record(entry: DigestOutbox, stamp: datetime.datetime, outcome: dict[str, Any]) -> None:
    if not _finish(entry, stamp, **outcome) and outcome["status"] == DigestOutbox.Status.SENT:
        # Only if one message outlasted the whole lease (see EMAIL_TIMEOUT): it may go twice.
        logger.warning("Digest %s was sent after its claim ran out", entry.pk)


def _build_all(entries: list[DigestOutbox]) -> dict[int, EmailMultiAlternatives | None]:
    """Each digest of a batch, or None where there is nothing to say. The pages are read
    set-wise, once for all the users whose calendar day it is (never more than three days
    on Earth at once), so a batch of 50 costs the queries of a batch of 5."""
    days: dict[datetime.date, list[User]] = {}
    for entry in entries:
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(entry.user.time_zone))
        days.setdefault(today, []).append(entry.user)
    pages: dict[int, ReachOutPage] = {}
    for today, users in days.items():
        pages |= reach_out_many(users=users, today=today)
    return {entry.pk: _build(entry, pages[entry.user_id]) for entry in entries}


def _build(entry: DigestOutbox, page: ReachOutPage) -> EmailMultiAlternatives | None:
    """The user's digest, or None when there is nothing to say."""
    if not (page.people or page.follow_ups or page.open_favours or page.coming_up):
        return None
    user = entry.user
    with translation.override(user.language), timezone.override(user.time_zone):
        return digest_message(user=user, page=page, message_id=entry.message_id)


def _send_one(
    entry: DigestOutbox, message: EmailMultiAlternatives, mailer: Any, now: datetime.datetime
) -> dict[str, Any]:
    try:
        mailer.open()  # once a batch; again after a failure closed it
        mailer.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Digest %s not sent (attempt %s): %s", entry.pk, entry.attempts, error)
        mailer.close()  # the next message opens a fresh connection
        retry = entry.attempts < MAX_ATTEMPTS
        return {
            "status": DigestOutbox.Status.QUEUED if retry else DigestOutbox.Status.FAILED,
            "send_after": now + datetime.timedelta(minutes=2**entry.attempts),
            "last_error": str(error)[:300],
        }
    return {"status": DigestOutbox.Status.SENT, "sent_at": timezone.now(), "last_error": ""}


@dataclass(frozen=True)
class Action:
    user_id: int
    name: str
    person_id: int | None = None
    story_id: int | None = None  # the follow-up an "asked" link answers


def action_token(action: Action) -> str:
    fields = [action.user_id, action.name, action.person_id]
    if action.story_id:
        fields.append(action.story_id)
    return signing.dumps(fields, salt=ACTION_SALT)


def read_action(token: str) -> Action:
    """The action a link stands for. Raises signing.BadSignature (and its SignatureExpired) for
    a link that was tampered with or is too old."""
    max_age = datetime.timedelta(days=settings.DIGEST_LINK_MAX_AGE_DAYS)
    # Links mailed before follow-ups could be answered carry three fields, and keep working.
    user_id, name, person_id, *story = signing.loads(token, salt=ACTION_SALT, max_age=max_age)
    if name not in ACTIONS:
        raise signing.BadSignature(name)
    return Action(user_id, name, person_id, *story)


def _link(action: Action) -> str:
    return settings.SITE_URL + reverse("digest:action", args=[action_token(action)])


def digest_subject(*, page: ReachOutPage) -> str:
    """Names only what the digest holds, each with its own number and plural."""
    people, follow_ups, favours = len(page.people), len(page.follow_ups), len(page.open_favours)
    # One kind alone is a whole sentence, so each language puts "this week" where it belongs.
    if not (follow_ups or favours):
        if not people and page.coming_up:
            return _("Coming up in the next weeks")
        if not people:
            return _("Nothing due this week")  # never sent; only the preview shows it
        return ngettext(
            "%(count)d person to reach out to this week",
            "%(count)d people to reach out to this week",
            people,
        ) % {"count": people}
    if not (people or favours):
        return ngettext(
            "%(count)d follow-up due this week", "%(count)d follow-ups due this week", follow_ups
        ) % {"count": follow_ups}
    if not (people or follow_ups):
        return ngettext(
            "%(count)d open favour this week", "%(count)d open favours this week", favours
        ) % {"count": favours}
    parts = []
    if people:
        parts.append(
            ngettext("%(count)d person to reach out to", "%(count)d people to reach out to", people)
            % {"count": people}
        )
    if follow_ups:
        parts.append(
            ngettext("%(count)d follow-up", "%(count)d follow-ups", follow_ups)
            % {"count": follow_ups}
        )
    if favours:
        parts.append(
            ngettext("%(count)d open favour", "%(count)d open favours", favours)
            % {"count": favours}
        )
    if len(parts) == 2:
        first, second = parts
        return _("This week: %(first)s and %(second)s") % {"first": first, "second": second}
    first, second, third = parts
    return _("This week: %(first)s, %(second)s and %(third)s") % {
        "first": first,
        "second": second,
        "third": third,
    }


def digest_message(*, user: User, page: ReachOutPage, message_id: str) -> EmailMultiAlternatives:
    unsubscribe = _link(Action(user.pk, "unsubscribe"))
    people = [
        {
            "entry": entry,
            "page_url": settings.SITE_URL + reverse("relationships:person", args=[entry.person.pk]),
            "brief_url": settings.SITE_URL + reverse("relationships:brief", args=[entry.person.pk]),
            "caught_up_url": _link(Action(user.pk, "caught_up", entry.person.pk)),
            "snooze_url": _link(Action(user.pk, "snooze", entry.person.pk)),
        }
        for entry in page.people
    ]
    follow_ups = [
        {"story": story, "asked_url": _link(Action(user.pk, "asked", story.person_id, story.pk))}
        for story in page.follow_ups
    ]
    context = {
        "user": user,
        "page": page,
        "people": people,
        "follow_ups": follow_ups,
        "subject": digest_subject(page=page),
        "unsubscribe_url": unsubscribe,
        "site_url": settings.SITE_URL,
        "today": timezone.localdate(),
    }
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return emails.build("digest/email", context, to=user.email, headers=headers)
