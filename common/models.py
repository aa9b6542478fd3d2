"""Plumbing every app uses that needs a table: remembering which form submissions already
created something, and what a removal took away until it can no longer be undone."""

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from common.ownership import OwnedQuerySet

# How long a removal can be undone: long enough to notice a slip, short enough that what was
# removed (a revoked token, an old calendar address, a photo's files) is soon gone for good.
UNDO_WINDOW = datetime.timedelta(minutes=10)


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


class RemovalQuerySet(OwnedQuerySet["Removal"]):
    def expired(self, now: datetime.datetime) -> "RemovalQuerySet":
        return self.filter(created_at__lte=now - UNDO_WINDOW)


class Removal(models.Model):
    """What one removal took away or changed, kept for a short while so that it can be undone
    (common.undo). `rows` are whole rows to save back as they were, in the order that suits
    their foreign keys; `changes` are only the fields a change overwrote. `files` are stored
    files that nothing refers to any more, deleted only once the removal can no longer be
    undone."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # What the message said, in the language it was said in.
    label = models.CharField(max_length=300)
    # The page the removal was made from, where an undo goes back to.
    back = models.CharField(max_length=500)
    rows = models.JSONField(default=list)
    changes = models.JSONField(default=list)
    files = models.JSONField(default=list)

    objects = RemovalQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [models.Index("created_at", name="removal_created_at")]

    def __str__(self) -> str:
        return self.label

    def can_be_undone(self, now: datetime.datetime) -> bool:
        """Within UNDO_WINDOW of the removal, and not after."""
        return now < self.created_at + UNDO_WINDOW


@receiver(post_delete, sender=Removal)
def removal_files_go_with_it(instance: Removal, **kwargs: Any) -> None:
    """A removal that ends (its time is up, or the account is deleted) takes the files it
    held, once that is committed; an undo hands them back first."""
    stored_files_delete_on_commit(list(instance.files))


def stored_files_delete_on_commit(names: list[str]) -> None:
    """Delete stored files once the change that let go of them commits; a rollback keeps them."""

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)
