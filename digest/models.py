"""The weekly digest's outbox: one row a user and week, from queued to sent."""

from typing import ClassVar

from django.conf import settings
from django.db import models


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
