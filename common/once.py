"""Forms that create something do it once, however often they are sent: each is drawn with a
fresh key, and `create_once` records the key with what it created, in one transaction."""

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from common.models import Submission

if TYPE_CHECKING:
    from accounts.models import User

KEY_FIELD = "once"


class CreatesOnce(forms.Form):
    """Carries the key a create form was drawn with. A form that edits something that already
    exists has no key: sending an edit twice changes nothing the second time."""

    once = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            del self.fields[KEY_FIELD]

    @property
    def key(self) -> uuid.UUID:
        return cast(uuid.UUID, self.cleaned_data[KEY_FIELD])


def create_once[M: models.Model](
    *, owner: "User", key: uuid.UUID, create: Callable[[], M]
) -> tuple[M, bool]:
    """Run `create` unless this key already created something; return the object, and whether
    this call created it. Two requests with one key racing: the database's unique key lets one
    commit, and the other's work is rolled back."""
    if existing := _created(owner, key):
        return cast(M, existing), False
    try:
        with transaction.atomic():
            obj = create()
            Submission.objects.create(
                owner=owner,
                key=key,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
            )
    except IntegrityError:
        if existing := _created(owner, key):
            return cast(M, existing), False
        raise  # a conflict in what `create` wrote, not a second submission
    return obj, True


def _created(owner: "User", key: uuid.UUID) -> models.Model | None:
    submission = Submission.objects.filter(owner=owner, key=key).first()
    return submission.created if submission else None
