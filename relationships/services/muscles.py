"""Relationship muscles: recomputed for a few people, a few users, or everyone."""

import datetime
import itertools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import User
from contacts.models import DEFAULT_CADENCE_DAYS, Person
from relationships.models import JobRun

ONLY_ASKING_WINDOW = datetime.timedelta(days=90)
# Relationship muscles. docs/muscles.md explains the formula with a worked example.
WEIGHTS = {
    "in_person": 4.0,
    "video": 3.0,
    "call": 2.5,
    "message": 1.5,
    "online": 0.5,
    "touch": 1.0,
    "favour_done": 2.0,
}
HALF_LIFE_DAYS = 90
SATURATION = 8.0
MUSCLES_SQL = (Path(__file__).parent.parent / "muscles.sql").read_text()
MUSCLES_JOB = "muscles"
logger = logging.getLogger(__name__)


def muscles_recompute(*, user_ids: Sequence[int], person_ids: Sequence[int] | None = None) -> None:
    """Recompute the muscles of these users' people (or only of the given people) in one
    set-based statement. Idempotent: running it again, or twice at once, gives the same rows."""
    params: dict[str, Any] = {
        "now": timezone.now(),
        "user_ids": list(user_ids),
        "person_ids": list(person_ids) if person_ids is not None else None,
        "half_life": HALF_LIFE_DAYS,
        "saturation": SATURATION,
        "ask_window": ONLY_ASKING_WINDOW.days,
        **{f"w_{kind}": weight for kind, weight in WEIGHTS.items()},
        **{f"cadence_{circle.value}": days for circle, days in DEFAULT_CADENCE_DAYS.items()},
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # A batch joins and groups a million interactions: in memory, not spilled to disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(MUSCLES_SQL, params)


def muscles_recompute_people(*, person_ids: Sequence[int]) -> None:
    """Recompute the muscles of a few people right after something happened with them."""
    owners = Person.objects.filter(pk__in=person_ids).values_list("owner_id", flat=True).distinct()
    muscles_recompute(user_ids=list(owners), person_ids=person_ids)


def muscles_recompute_all(*, batch_size: int = 1000) -> int:
    """Recompute every active user's muscles, a batch of users per statement. A batch that fails
    is retried user by user, so one broken account never stops the others. Returns how many
    users failed, and records the run for the health line."""
    user_ids = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    failures = 0
    for batch in itertools.batched(user_ids, batch_size):
        try:
            muscles_recompute(user_ids=batch)
        except DatabaseError:
            for user_id in batch:
                try:
                    muscles_recompute(user_ids=[user_id])
                except DatabaseError:
                    logger.exception("Could not recompute the muscles of user %s", user_id)
                    failures += 1
    JobRun.objects.update_or_create(
        name=MUSCLES_JOB, defaults={"finished_at": timezone.now(), "failures": failures}
    )
    return failures
