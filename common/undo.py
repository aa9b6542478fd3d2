"""Undo instead of "are you sure": every removal acts at once and keeps what it took away for a
short while (`UNDO_WINDOW`), so that one click brings it back. Every view that removes or
overwrites something of the user's goes through here; tests/test_undo.py walks every form of
the app to keep it so."""

import datetime
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.models.deletion import Collector
from django.dispatch import Signal
from django.http import HttpRequest

from common.models import Removal, stored_files_delete_on_commit

if TYPE_CHECKING:  # the floor imports no app; the user model is only named for the type checker
    from accounts.models import User

# Sent once an undo has saved everything back, with `objects`, the rows saved back whole.
# Anything derived from them (the muscles) listens, so this module knows nothing of it.
undone = Signal()


class _EveryRow(Collector):
    """Django's own delete collector, which knows every cascade and SET_NULL, made to load
    every row a delete takes, even those it would otherwise delete in bulk unseen."""

    def can_fast_delete(self, *args: Any, **kwargs: Any) -> bool:
        return False


class _Exact(DjangoJSONEncoder):
    """Times to the microsecond, as stored (Django's own JSON keeps milliseconds), so that what
    comes back is what went."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialized(objects: Iterable[models.Model], fields: Sequence[str] | None = None) -> list[Any]:
    rows = serializers.serialize("python", objects, fields=fields)
    plain: list[Any] = json.loads(json.dumps(rows, cls=_Exact))
    return plain


def removal_record(
    *,
    owner: "User",
    label: str,
    back: str,
    deleted: Sequence[models.Model] = (),
    changed: Sequence[models.Model] = (),
    fields: Sequence[str] = (),
    files: Iterable[str] = (),
) -> Removal:
    """Keep what is about to go, before it goes: the `deleted` objects with every row their
    delete would take or change, and the `fields` of the `changed` objects as they are now.
    `files` are stored files the removal lets go of; they outlive it only if it is undone."""
    collector = _EveryRow(using=DEFAULT_DB_ALIAS)
    if deleted:
        collector.collect(list(deleted))
        collector.sort()
    # Deleted in this order, so saved back in the reverse: what others point to comes first.
    rows = [obj for instances in collector.data.values() for obj in instances][::-1]
    changes = [entry for obj in changed for entry in _serialized([obj], fields)]
    for (field, _value), batches in collector.field_updates.items():
        # Each batch is a queryset of the rows the delete would set to null.
        for batch in cast(list[Iterable[models.Model]], batches):
            changes += _serialized(batch, [field.name])
    return Removal.objects.create(
        owner=owner,
        label=label,
        back=back,
        rows=_serialized(rows),
        changes=changes,
        files=[name for name in files if name],
    )


def removal_delete(
    *, owner: "User", objects: Sequence[models.Model], label: str, back: str
) -> Removal:
    """Delete the objects (and what goes with them), keeping them to be undone."""
    with transaction.atomic():
        removal = removal_record(owner=owner, label=label, back=back, deleted=objects)
        for obj in objects:
            obj.delete()
    return removal


def removal_offer(request: HttpRequest, removal: Removal) -> None:
    """Say what was removed, with an Undo button beside it (common/_messages.html)."""
    messages.success(request, removal.label, extra_tags=f"undo:{removal.pk}")


class CannotUndo(Exception):
    """Something changed since that stands in the way (a new birthday where the old one was,
    a feed turned on again): nothing was saved back."""


def removal_undo(*, removal: Removal) -> None:
    """Save back what the removal took, as it was (the same ids), and forget the removal; or,
    if something since stands in the way, CannotUndo and nothing changed."""
    try:
        with transaction.atomic():
            restored = []
            for item in serializers.deserialize("python", removal.rows):
                # Many-to-many rows were kept as rows of their own and come back as such.
                item.save(save_m2m=False)
                restored.append(item.object)
            freed = [name for entry in removal.changes for name in _change_back(entry)]
            removal.files = []  # back in use: the removal's end must not delete them
            removal.delete()
    except IntegrityError:
        raise CannotUndo from None
    stored_files_delete_on_commit(freed)
    undone.send(sender=Removal, objects=restored)


def _change_back(entry: dict[str, Any]) -> list[str]:
    """Put back the fields of one changed row, leaving the rest as they are now (edited since,
    perhaps). Returns the files the fields held instead, which nothing refers to any more."""
    item = next(serializers.deserialize("python", [entry]))
    obj = item.object
    model = type(obj)
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}
    values = {attnames[name]: getattr(obj, attnames[name]) for name in entry["fields"]}
    current = model._base_manager.filter(pk=obj.pk)
    file_fields = [
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    held = current.values_list(*file_fields).first() if file_fields else None
    if not current.update(**values):
        raise IntegrityError  # the row itself is gone
    return [
        name
        for attname, name in zip(file_fields, held or (), strict=False)
        if attname in values and name and name != values[attname]
    ]


def removals_end(*, now: datetime.datetime) -> int:
    """Forget every removal that can no longer be undone; the files each held go with it
    (common.models.removal_files_go_with_it)."""
    ended, _ = Removal.objects.expired(now).delete()
    return ended
