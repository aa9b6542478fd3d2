"""Relationship muscles, as the background job last computed them, and the job's health."""

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import full_date, time_ago
from common.ownership import OwnedQuerySet
from contacts.models import Person

# How long overdue is still said as the day it was due; longer ago, as when you were last in touch.
OVERDUE_SAID_AS_A_DAY = 365


class Muscle(models.Model):
    """How strong one relationship is now, and whether it has gone quiet.

    The strength, dates and priority are rewritten by `muscles_recompute`; the snooze is the
    user's own and survives every recomputation. See docs/muscles.md."""

    # One foreign key in the database for both: (owner, person) must be one of the owner's
    # people (migration 0009). It keeps a muscle in its person's account, and it is one check
    # a row where two keys were two, which is most of what the first fill of the table costs.
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, db_constraint=False
    )
    # No index of its own: the partial index below serves the reach-out list, and every index
    # costs the hourly job a write per row.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    strength = models.FloatField(default=0)
    last_contact_on = models.DateField(null=True)
    due_on = models.DateField(null=True)
    quiet = models.BooleanField(default=False)
    only_asks = models.BooleanField(default=False)
    tier = models.PositiveSmallIntegerField(default=9)
    overdue = models.FloatField(default=0)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            # Only columns that rarely change: the daily rewrite of strength and overdue is then
            # a heap-only update, with no index to touch (fillfactor leaves room; migration 0005).
            models.Index(
                fields=["owner", "tier"], name="muscle_reach_out", condition=models.Q(quiet=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.strength:.1f}"

    def next_reach_out(self) -> str:
        """When to reach out next, as the person's page says it, true whatever is recorded.
        Not quiet: by the day it is due ("by 4 December"). Quiet, and nothing since the day you
        met or added them: that, and how long ago ("Now: you have not been in touch since you
        met, 32 years ago."), never a due day counted from a day long past ("overdue since
        19 February 1994"). Quiet since something you recorded: since when it is due, or how
        long ago you were last in touch once that is more than a year."""
        today = timezone.localdate()
        last, due = self.last_contact_on, self.due_on
        if last is None or due is None:
            return ""
        if not self.quiet:
            return _("by %(day)s") % {"day": full_date(due)}
        ago = time_ago((today - last).days)
        if last == self.person.met_on:
            return _("Now: you have not been in touch since you met, %(ago)s.") % {"ago": ago}
        if last == timezone.localdate(self.person.created_at):
            return _("Now: you have not been in touch since you added them, %(ago)s.") % {
                "ago": ago
            }
        if (today - due).days > OVERDUE_SAID_AS_A_DAY:
            return _("Now: you were last in touch %(ago)s.") % {"ago": ago}
        return _("overdue since %(day)s") % {"day": full_date(due)}


class JobRun(models.Model):
    """When a background job last finished, for the health line on the home page and /healthz.
    `failures` counts the runs that failed since (the backup's) or within it (the muscles')."""

    name = models.CharField(max_length=50, primary_key=True)
    finished_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name

    @property
    def overdue(self) -> bool:
        """A job on a fixed schedule is overdue once twice its interval has passed since it
        last finished: the hourly muscles after two hours, the nightly backup (when
        BACKUP_DIR schedules it) after two days. The digest runs only when one is due."""
        every = {"muscles": datetime.timedelta(hours=1)}
        if settings.BACKUP_DIR:
            every["backup"] = datetime.timedelta(days=1)
        interval = every.get(self.name)
        return interval is not None and timezone.now() - self.finished_at > 2 * interval
