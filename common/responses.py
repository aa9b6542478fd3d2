"""How a view answers once something is saved, with htmx and without."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from common.types import AuthedRequest

# Pages that show a timeline listen for this event and reload it.
TIMELINE_CHANGED = "timeline-changed"


def safe_next(request: AuthedRequest, fallback: str) -> str:
    """Where to go back to: the form's `next`, if it points into this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def saved(request: AuthedRequest, *, message: str, next_url: str) -> HttpResponse:
    """After a save: htmx gets a short confirmation in place and reloads the timeline;
    a plain form post is redirected back to where it came from."""
    if request.htmx:
        response = render(request, "_saved.html", {"message": message, "next_url": next_url})
        response.headers["HX-Trigger"] = TIMELINE_CHANGED
        return response
    return redirect(next_url)


def form_page(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The full form page, or for htmx only its `form` partial."""
    return render(request, f"{template}#form" if request.htmx else template, context)
