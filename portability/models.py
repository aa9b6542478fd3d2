"""Contacts files on their way in."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from common.ownership import OwnedQuerySet


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
