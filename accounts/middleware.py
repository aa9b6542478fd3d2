"""Applies the signed-in user's language and time zone to each request, and answers a request
from someone whose session has ended."""

from collections.abc import Callable
from typing import Any

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
