"""Sensitive actions ask for the password or a second factor again, unless one was given in
the last few minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT): allauth's reauthentication, typed, and
a login counted as just such a proof."""

from collections.abc import Callable
from typing import cast

from allauth.account.authentication import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest

from accounts.models import User

# What a login may have been proved by: the password, a second factor or passkey ("mfa"), or
# the single sign-on provider. A code sent by email (or a password reset) proves the mailbox
# only, so after such a login the password or a factor is still asked for.
PROOFS = {"password", "mfa", "socialaccount"}


def asks_again[V: Callable[..., object]](*, on_get: bool) -> Callable[[V], V]:
    """`on_get=False` lets a page show first and asks only when its form is sent; allauth then
    carries the sent form on once the user confirmed, and answers its own page's POST with what
    the view answered. So a view asked on a POST answers it with a redirect (which it should
    anyway): then the browser ends on the view's address, not allauth's. `on_get=True` asks
    before a GET too, for a download such as the export."""

    def decorate(view: V) -> V:
        return cast(V, reauthentication_required(allow_get=not on_get)(view))

    return decorate


def count_login_as_recent(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    """Logging in is as fresh a proof as giving the password again: without this, allauth
    counts only its reauthentication page, and asks again a second after a login with the
    password and a code. Marking the login's last step as allauth marks a reauthentication
    makes every check allauth makes (ours, and its own on the email, password and two-factor
    pages) count it, for the same REAUTHENTICATION_TIMEOUT from when it was given."""
    records = get_authentication_records(request, user)
    if records and records[-1]["method"] in PROOFS:
        last = {**records[-1], "reauthenticated": True}
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [*records[:-1], last]
