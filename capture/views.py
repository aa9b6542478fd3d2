"""Quick capture: the phone's page for right after an event, the names it matches as you
type, and what opens it with no connection."""

import json
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capture.forms import CaptureForm, people_matching
from capture.offline import offline_assets, offline_version
from common.types import AuthedRequest


@require_http_methods(["GET", "POST"])
def capture(request: AuthedRequest) -> HttpResponse:
    """The phone's page for right after an event. Its script sends entries with fetch and
    gets JSON back; without the script the form posts and the page comes back."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "GET":
        form = CaptureForm(
            owner=request.user,
            initial={"key": uuid.uuid4(), "event": request.GET.get("event", "")[:200]},
        )
        return _capture_page(request, form)
    if not constant_time_compare(request.POST.get("account", ""), request.user.device_tag):
        # Typed on this phone for another account than the one signed in now: the script keeps
        # the entry until that account signs in again, and never sends it to this one.
        if wants_json:
            return JsonResponse({"error": "another account"}, status=409)
        messages.error(request, _("That entry was typed for another account, so it was not saved."))
        return redirect("capture:page")
    form = CaptureForm(request.POST, owner=request.user)
    recorded = form.is_valid() and form.save()
    if not recorded:
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return _capture_page(request, form)
    person, _created = recorded
    saved = _("Saved %(name)s.") % {"name": person.name}
    if wants_json:
        url = reverse("relationships:person", args=[person.pk])
        return JsonResponse({"message": saved, "name": person.name, "url": url})
    messages.success(request, saved)
    return redirect(f"{reverse('capture:page')}?{urlencode({'event': form.cleaned_data['event']})}")


def _capture_page(request: AuthedRequest, form: CaptureForm) -> HttpResponse:
    context = {
        "form": form,
        "account": request.user.device_tag,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    return render(request, "capture/capture.html", context)


@require_GET
def capture_matches(request: AuthedRequest) -> HttpResponse:
    people = []
    # A page kept for another account on this phone must never offer this account's people.
    if constant_time_compare(request.GET.get("account", ""), request.user.device_tag):
        people = people_matching(user=request.user, name=request.GET.get("name", "")[:200])
    return render(request, "capture/capture.html#matches", {"matches": people})


@require_GET
def capture_shell(request: AuthedRequest) -> HttpResponse:
    """The capture page with no one's data in it: no account, names, messages or CSRF token.
    The service worker keeps it and shows it when the phone has no connection; the script
    then fills in the account that last opened capture online on this phone."""
    if request.headers.get("X-Capture-Shell") != "1":
        return redirect("capture:page")  # someone opened it: they want the real page
    context = {
        "form": CaptureForm(owner=request.user),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_token": "",
        "messages": [],
    }
    return render(request, "capture/capture.html", context)


# Served from /capture/ rather than /static/, so its scope is the capture page and nothing
# else: it never even sees a request for another page. Without a login, since the browser
# checks it for updates whatever the session, and it holds nothing of anyone's.
@login_not_required
@require_GET
def capture_service_worker(request: HttpRequest) -> HttpResponse:
    config = {
        "version": offline_version(),
        "page": reverse("capture:page"),
        "shell": reverse("capture:shell"),
        "assets": offline_assets(),
    }
    response = render(
        request,
        "capture/service_worker.js",
        {"config": json.dumps(config)},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response
