"""The weekly digest: queue one per user and week, claim, then send, exactly once.

How "exactly once" holds, and the one window it cannot close, is in docs/architecture.md."""

import datetime
import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from knotwork import emails
from relationships.models import DigestOutbox, JobRun
from relationships.services import ReachOutPage, reach_out

logger = logging.getLogger(__name__)
DIGEST_JOB = "digest"
MAX_ATTEMPTS = 8
ACTION_SALT = "knotwork.digest.action"
ACTIONS = ("caught_up", "snooze", "unsubscribe")

QUEUE_SQL = """
INSERT INTO relationships_digestoutbox (user_id, week, status, send_after, attempts, last_error)
SELECT id, monday, 'queued',
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

CLAIM_SQL = """
UPDATE relationships_digestoutbox
SET status = 'sending', claimed_at = %(now)s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM relationships_digestoutbox
    WHERE (status = 'queued' AND send_after <= %(now)s)
       OR (status = 'sending' AND claimed_at < %(now)s - make_interval(secs => %(lease)s))
    ORDER BY send_after
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


def digests_queue(*, now: datetime.datetime) -> int:
    """Queue this week's digest for every user whose chosen day and hour has come, in their own
    time zone; a user who joined after this week's hour waits for next week."""
    with connection.cursor() as cursor:
        cursor.execute(QUEUE_SQL, {"now": now, "spread": max(settings.DIGEST_SPREAD_SECONDS, 1)})
        queued: int = cursor.rowcount
    return queued


def _claim(now: datetime.datetime) -> list[DigestOutbox]:
    """Claim a batch in one short transaction, before anything is sent: a second sender skips
    these rows, and one that died is claimed again only after the lease runs out."""
    params: dict[str, datetime.datetime | int] = {
        "now": now,
        "lease": settings.DIGEST_CLAIM_LEASE_SECONDS,
        "batch": settings.DIGEST_BATCH_SIZE,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, params)
        ids = [row[0] for row in cursor.fetchall()]
    return list(DigestOutbox.objects.filter(pk__in=ids).select_related("user").order_by("pk"))


def _finish(entry: DigestOutbox, **changes: Any) -> None:
    """Record the outcome, unless another sender has claimed the row since."""
    DigestOutbox.objects.filter(pk=entry.pk, status="sending", claimed_at=entry.claimed_at).update(
        **changes
    )


def digests_send_due(*, now: datetime.datetime | None = None) -> int:
    """Queue what is due, then claim and send batch after batch. Returns how many were sent."""
    now = now or timezone.now()
    digests_queue(now=now)
    sent = 0
    while batch := _claim(now):
        mailer = emails.connection()
        try:
            for entry in batch:
                sent += _send_one(entry, mailer, now)
        finally:
            mailer.close()
    if sent:
        JobRun.objects.update_or_create(name=DIGEST_JOB, defaults={"finished_at": timezone.now()})
    return sent


def _send_one(entry: DigestOutbox, mailer: Any, now: datetime.datetime) -> int:
    user = entry.user
    if not (user.is_active and user.digest_enabled):
        _finish(entry, status="skipped", last_error="digest turned off")
        return 0
    with translation.override(user.language), timezone.override(user.time_zone):
        page = reach_out(user=user)
        if not (page.people or page.follow_ups or page.open_favours):
            _finish(entry, status="skipped", last_error="nothing to say")
            return 0
        message = digest_message(user=user, page=page, message_id=entry.message_id)
    try:
        mailer.open()  # once a batch; again after a failure closed it
        mailer.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        retry = entry.attempts < MAX_ATTEMPTS
        backoff = datetime.timedelta(minutes=2**entry.attempts)
        _finish(
            entry,
            status="queued" if retry else "failed",
            send_after=now + backoff,
            last_error=str(error)[:300],
        )
        logger.warning("Digest %s not sent (attempt %s): %s", entry.pk, entry.attempts, error)
        mailer.close()  # the next message opens a fresh connection
        return 0
    _finish(entry, status="sent", sent_at=timezone.now(), last_error="")
    return 1


@dataclass(frozen=True)
class Action:
    user_id: int
    name: str
    person_id: int | None = None


def action_token(action: Action) -> str:
    return signing.dumps([action.user_id, action.name, action.person_id], salt=ACTION_SALT)


def read_action(token: str) -> Action:
    """The action a link stands for. Raises signing.BadSignature (and its SignatureExpired) for
    a link that was tampered with or is too old."""
    max_age = datetime.timedelta(days=settings.DIGEST_LINK_MAX_AGE_DAYS)
    user_id, name, person_id = signing.loads(token, salt=ACTION_SALT, max_age=max_age)
    if name not in ACTIONS:
        raise signing.BadSignature(name)
    return Action(user_id, name, person_id)


def _link(action: Action) -> str:
    return settings.SITE_URL + reverse("relationships:digest_action", args=[action_token(action)])


def digest_message(*, user: User, page: ReachOutPage, message_id: str) -> Any:
    unsubscribe = _link(Action(user.pk, "unsubscribe"))
    people = [
        {
            "entry": entry,
            "page_url": settings.SITE_URL + reverse("relationships:person", args=[entry.person.pk]),
            "caught_up_url": _link(Action(user.pk, "caught_up", entry.person.pk)),
            "snooze_url": _link(Action(user.pk, "snooze", entry.person.pk)),
        }
        for entry in page.people
    ]
    count = len(page.people)
    subject = (
        ngettext(
            "%(count)d person to reach out to this week",
            "%(count)d people to reach out to this week",
            count,
        )
        % {"count": count}
        if count
        else _("Your follow-ups and open favours this week")
    )
    context = {
        "user": user,
        "page": page,
        "people": people,
        "subject": subject,
        "unsubscribe_url": unsubscribe,
        "site_url": settings.SITE_URL,
        "today": timezone.localdate(),
    }
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return emails.build("digest", context, to=user.email, headers=headers)
