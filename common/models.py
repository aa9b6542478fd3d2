"""Plumbing every app uses that needs a table: remembering which form submissions already
created something."""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Submission(models.Model):
    """A form that created something, remembered by the key it was drawn with.

    The key is unique per owner in the database, so the same submission sent twice (a double
    click, a resend after a lost connection, two requests racing) creates one object, and the
    second answer points at that object."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("owner", "key", name="one_submission_per_key"),
        ]

    def __str__(self) -> str:
        return str(self.key)
