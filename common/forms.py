"""Forms every app reads its query strings through."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

# The largest id PostgreSQL's bigint holds.
MAX_ID = 2**63 - 1


class AfterForm(forms.Form):
    """Where a list paged by id goes on: the id of the last one shown."""

    after = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)


def paged_after(query: QueryDict) -> int | None:
    """The id a page of a list starts after, or None for the first page (also when the
    address holds anything but an id)."""
    form = AfterForm(query)
    return form.cleaned_data["after"] if form.is_valid() else None


def id_in(query: QueryDict, name: str) -> int | None:
    """The id the address holds under `name`, or None when it holds none (or anything else)."""
    field = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    try:
        value: int | None = field.clean(query.get(name))
    except ValidationError:
        return None
    return value
