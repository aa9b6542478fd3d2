"""Input no view can use is refused at the door: a NUL byte means nothing in a name, a search or
a story, and PostgreSQL cannot store it in text, so one in the address, the query string, a
form field or a JSON string is answered with 400 and a message before any view sees it."""

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulBytes:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(NUL in text for text in _texts(request)):
            message = _("This request holds a character that cannot be read (a NUL byte).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def _texts(request: HttpRequest) -> Iterator[str]:
    """Every piece of text the request carries: its path, each name and value of its query
    string and form fields (not an uploaded file's bytes), and each string in a JSON body."""
    yield request.path
    yield from _names_and_values(request.GET.lists())
    content_type = request.content_type or ""
    if request.method == "POST" and content_type.startswith(FORMS):
        yield from _names_and_values(request.POST.lists())
    elif content_type == "application/json":
        try:
            yield from _strings(json.loads(request.body))
        except ValueError:
            return  # not JSON at all: the view says so


def _names_and_values(items: Iterable[tuple[str, list[str]]]) -> Iterator[str]:
    for name, values in items:
        yield name
        yield from values


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)
