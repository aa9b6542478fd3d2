"""The private calendar feed: turned on, renewed and off in Settings, and read by calendar
apps at its secret address, which is the only credential they have."""

from allauth.mfa.adapter import get_adapter as mfa_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calendars.feed import calendar_feed
from calendars.forms import FeedForm
from calendars.models import CalendarFeed
from common.types import AuthedRequest
from common.undo import removal_delete, removal_offer, removal_record


@require_GET
def feed_settings(request: AuthedRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(owner=request.user).first()
    context = {
        "feed": feed,
        "form": FeedForm(instance=feed) if feed else None,
        # The QR code two-factor draws for an authenticator app (allauth, with qrcode), here
        # for a phone's camera: drawn on the server as SVG, so no image comes from anywhere.
        "qr_svg": mfa_adapter().build_totp_svg(feed.webcal_url) if feed else "",
    }
    return render(request, "calendars/settings.html", context)


@require_POST
def feed_change(request: AuthedRequest) -> HttpResponse:
    """Turn the feed on, give it a new address (the old one ends), save whether it includes
    stories, or turn it off."""
    action = request.POST.get("action")
    back = reverse("calendars:settings")
    feed = CalendarFeed.objects.filter(owner=request.user).first()
    if action == "on" and feed is None:
        CalendarFeed.objects.get_or_create(owner=request.user)
        messages.success(request, _("Your calendar feed is on. Add its address to your calendar."))
    elif action == "renew" and feed:
        label = _("The feed has a new address. The old one no longer works.")
        with transaction.atomic():
            removal = removal_record(
                owner=request.user, label=label, back=back, changed=[feed], fields=["token"]
            )
            feed.renew()
        removal_offer(request, removal)
    elif action == "save" and feed and (form := FeedForm(request.POST, instance=feed)).is_valid():
        form.save()
        messages.success(request, _("Saved."))
    elif action == "off" and feed:
        label = _("Your calendar feed is off. Its address no longer works.")
        removal_offer(
            request, removal_delete(owner=request.user, objects=[feed], label=label, back=back)
        )
    return redirect(back)


# The secret in the address is the credential: calendar apps carry no session.
@login_not_required
@require_GET
def feed(request: HttpRequest, feed_pk: int, token: str) -> HttpResponse:
    found = CalendarFeed.at_address(feed_pk, token)
    if found is None:
        raise Http404
    response = HttpResponse(calendar_feed(feed=found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="knotwork.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
