"""Forms and API calls that create something do it once, however often they are sent: each
carries a key, and `create_once` records the key with what it created, in one transaction.

A key belongs to one owner, one kind of object and one request: sent again exactly, it answers
with what it created; sent with other details or for another kind of thing, it is refused."""

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from common.models import Submission

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from accounts.models import User

KEY_FIELD = "once"
# What differs between two sends of one request without changing what it asks for.
NOT_PART_OF_REQUEST = frozenset({"csrfmiddlewaretoken", KEY_FIELD, "key"})


FORM_SENT_BEFORE = _(
    "This form was already sent with other details, so nothing was saved this time. "
    "Check it and send it again."
)


class KeySpent(Exception):
    """The key already recorded something this request cannot be a retry of."""

    def __init__(self, message: "_StrPromise") -> None:
        super().__init__(str(message))
        self.message = message


def fingerprint(data: Mapping[str, Any], files: Mapping[str, Any] | None = None) -> str:
    """What a request asks for, apart from its key: equal for two sends of one request."""
    if isinstance(data, QueryDict):
        data = {name: data.getlist(name) for name in data}
    asked = {name: value for name, value in data.items() if name not in NOT_PART_OF_REQUEST}
    asked |= files or {}
    text = json.dumps(asked, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def create_once[M: models.Model](
    *,
    owner: "User",
    key: uuid.UUID,
    model: type[M],
    fingerprint: str,
    create: Callable[[], M],
) -> tuple[M, bool]:
    """Run `create` unless this key already created something; return the object, and whether
    this call created it. Two requests racing with one key: the database's unique key lets one
    commit, and the other's work is rolled back. Raises KeySpent when the key recorded another
    kind of object, or the same kind from another request, or what it made is gone."""
    if existing := _created(owner, key, model, fingerprint):
        return existing, False
    try:
        with transaction.atomic():
            obj = create()
            if not isinstance(obj, model):
                raise TypeError(f"create made a {type(obj).__name__}, not a {model.__name__}")
            Submission.objects.create(
                owner=owner,
                key=key,
                content_type=ContentType.objects.get_for_model(model),
                object_id=obj.pk,
                fingerprint=fingerprint,
            )
    except IntegrityError:
        if existing := _created(owner, key, model, fingerprint):
            return existing, False
        raise  # a conflict in what `create` wrote, not a second submission
    return obj, True


def _created[M: models.Model](
    owner: "User", key: uuid.UUID, model: type[M], fingerprint: str
) -> M | None:
    submission = Submission.objects.filter(owner=owner, key=key).first()
    if submission is None:
        return None
    if submission.content_type_id != ContentType.objects.get_for_model(model).pk:
        raise KeySpent(_("This key was already used for something else."))
    # Keys recorded before requests were fingerprinted carry none, and replay as they did.
    if submission.fingerprint not in {"", fingerprint}:
        raise KeySpent(_("This key was already used with other details."))
    # Through the owner's own objects, whatever the submission says.
    found = model._default_manager.filter(owner=owner, pk=submission.object_id).first()
    if found is None:
        raise KeySpent(_("What this key recorded has since been deleted."))
    return found


class CreatesOnce(forms.Form):
    """Carries the key a create form was drawn with. A form that edits something that already
    exists has no key: sending an edit twice changes nothing the second time."""

    key_field = KEY_FIELD
    # Why the key was refused, for callers that answer with more than the form (the API).
    spent: KeySpent | None = None
    once = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            del self.fields[self.key_field]

    @property
    def key(self) -> uuid.UUID:
        return cast(uuid.UUID, self.cleaned_data[self.key_field])

    def create_once[M: models.Model](
        self,
        *,
        owner: "User",
        model: type[M],
        create: Callable[[], M] | None = None,
    ) -> tuple[M, bool] | None:
        """Create a `model` through `create` (the form's own save by default) once for this
        form's key. None when the key is spent: the form then says why above its fields and
        carries a fresh key, so sending it again records it."""
        create = create or cast(Callable[[], M], self.save)  # type: ignore[attr-defined]
        files = {name: [(f.name, f.size) for f in self.files.getlist(name)] for name in self.files}
        try:
            return create_once(
                owner=owner,
                key=self.key,
                model=model,
                fingerprint=fingerprint(self.data, files),
                create=create,
            )
        except KeySpent as spent:
            self.spent = spent
            # The person never chose the key, so the reason is the form's, not the key's.
            self.add_error(None, FORM_SENT_BEFORE)
            data = cast(QueryDict, self.data).copy()  # a copy of a QueryDict can change
            data[self.key_field] = str(uuid.uuid4())
            self.data = data
            return None
