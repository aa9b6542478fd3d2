"""Plumbing every app uses that needs a table: remembering which form submissions already
created something."""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Submission(models.Model):
    """A form or API call that created something, remembered by the key it was sent with.

    The key is unique per owner in the database, so the same submission sent twice (a double
    click, a resend after a lost connection, two requests racing) creates one object, and the
    second answer points at that object."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # Read back only through the owner's objects of this content type (common.once).
    object_id = models.PositiveBigIntegerField()
    # A hash of what the request asked for, so a key sent with other details is refused.
    fingerprint = models.CharField(max_length=64, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("owner", "key", name="one_submission_per_key"),
        ]

    def __str__(self) -> str:
        return str(self.key)
