"""Relationship muscles, as the background job last computed them, and the job's health."""

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.models import Person
from knotwork.ownership import OwnedQuerySet


class Muscle(models.Model):
    """How strong one relationship is now, and whether it has gone quiet.

    The strength, dates and priority are rewritten by `muscles_recompute`; the snooze is the
    user's own and survives every recomputation. See docs/muscles.md."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True)
    # No index of its own: the partial index below serves the reach-out list, and every index
    # costs the hourly job a write per row.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
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


class JobRun(models.Model):
    """When a background job last finished, for the health line on the home page."""

    name = models.CharField(max_length=50, primary_key=True)
    finished_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class DigestOutbox(models.Model):
    """One weekly digest for one user: queued, claimed by a sender, then sent or skipped.

    The unique (user, week) pair means a digest can be queued only once a week, whatever runs
    the job and however often."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        SKIPPED = "skipped"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the user's own week.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    send_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("user", "week", name="one_digest_per_user_and_week"),
        ]
        indexes: ClassVar = [
            models.Index(
                "send_after",
                name="digest_waiting",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week} {self.status}"

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a message resent after a crash is recognisably the
        same message."""
        return f"<digest-{self.user_id}-{self.week.isoformat()}@{settings.EMAIL_DOMAIN}>"


class ImportBatch(models.Model):
    """A contacts file on its way in: read into a preview (in the background when large), then,
    once the user confirms, written. The preview is exactly what will be written, except that
    writing matches again against the people as they are by then. A read or a write that fails
    leaves the batch failed, with the reason, to be tried again or discarded; a day after the
    upload it is removed (`importing.import_batches_tidy`)."""

    class Status(models.TextChoices):
        READING = "reading"
        PREVIEW = "preview"
        IMPORTING = "importing"
        DONE = "done"
        FAILED = "failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READING)
    content = models.TextField(blank=True, help_text="The file, kept only until it is read.")
    candidates = models.JSONField(default=list)
    merges = ArrayField(
        models.PositiveIntegerField(),
        default=list,
        blank=True,
        help_text="The entries, by position, that the user chose to merge into the person "
        "of the same name instead of creating someone new.",
    )
    error = models.CharField(max_length=300, blank=True, help_text="Why it failed, for the user.")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Moves with every step.")
    applied_at = models.DateTimeField(null=True)

    objects = OwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.filename

    @property
    def busy(self) -> bool:
        return self.status in {self.Status.READING, self.Status.IMPORTING}
