"""Counting a row's related rows without reading them into the row's own query."""

from typing import Any

from django.db.models import Func, IntegerField, QuerySet, Subquery


def count_of(related: QuerySet[Any]) -> Subquery:
    """How many rows `related` holds (filtered on an `OuterRef`), counted in a subquery of its
    own through the related rows' index. `Count` over a join would pair every related row with
    the outer row and group them back into one: thousands of rows read for one number."""
    counted = related.order_by().values(n=Func("pk", function="COUNT", output_field=IntegerField()))
    return Subquery(counted)
