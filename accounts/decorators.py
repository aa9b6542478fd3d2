"""Sensitive actions ask for the password or a second factor again, unless one was given in
the last few minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT): allauth's reauthentication, typed."""

from collections.abc import Callable
from typing import cast

from allauth.account.decorators import reauthentication_required


def asks_again[V: Callable[..., object]](*, on_get: bool) -> Callable[[V], V]:
    """`on_get=False` lets a page show first and asks only when its form is sent; allauth then
    carries the sent form on once the user confirmed. `on_get=True` asks before a GET too,
    for a download such as the export."""

    def decorate(view: V) -> V:
        return cast(V, reauthentication_required(allow_get=not on_get)(view))

    return decorate
