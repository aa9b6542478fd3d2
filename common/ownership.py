"""Every object belongs to one user: the lookups that keep it that way."""

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from accounts.models import User


class OwnedQuerySet[M: models.Model](models.QuerySet[M]):
    def for_user(self, user: "User") -> Self:
        # The id typed as the column is: a bare literal is an int4, and btree_gin (before
        # PostgreSQL 18) has no int4-to-int8 operator, so it would keep the owner out of the
        # (owner, search) indexes and a search would read every user's matches.
        return self.filter(owner=Cast(models.Value(user.pk), models.BigIntegerField()))


def get_owned_or_404[M: models.Model](
    model_or_queryset: type[M] | models.QuerySet[M], user: "User", **lookup: Any
) -> M:
    """Fetch one of the user's own objects; anyone else's is a 404, as if it did not exist."""
    queryset = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    return get_object_or_404(queryset.filter(owner=user), **lookup)
