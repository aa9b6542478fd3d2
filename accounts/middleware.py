"""Applies the signed-in user's language and time zone to each request, answers a request from
someone whose session has ended, and notes when each session was last seen."""

import time
from collections.abc import Callable
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth import middleware as auth
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            timezone.activate(user.time_zone)
        else:
            timezone.deactivate()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class LoginRequiredMiddleware(auth.LoginRequiredMiddleware):
    """Pages redirect to the login page. An htmx request gets 401 instead: the browser would
    follow the redirect and htmx would swap a whole login page into a piece of the page."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if response is not None and request.headers.get("HX-Request") == "true":
            return HttpResponse(status=401)
        return response


# How stale "last seen" on the sessions page may be: noted at most this often per device.
LAST_SEEN_EVERY = 300
LAST_SEEN_KEY = "accounts.last_seen"


def note_login(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """allauth records the session, and when it was seen, as the user logs in."""
    request.session[LAST_SEEN_KEY] = time.time()


class NoteLastSeen:
    """Keeps each session's "last seen" and address true to within a few minutes, with one
    UPDATE per device every few minutes instead of allauth's writes on every request
    (USERSESSIONS_TRACK_ACTIVITY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.session_key:
            noted = request.session.get(LAST_SEEN_KEY)
            if noted is None or time.time() - float(noted) >= LAST_SEEN_EVERY:
                UserSession.objects.filter(
                    session_key=request.session.session_key, user_id=request.user.pk
                ).update(last_seen_at=timezone.now(), ip=get_adapter().get_client_ip(request))
                request.session[LAST_SEEN_KEY] = time.time()
        return self.get_response(request)
