"""The digest's pages: a preview of this week's email, and the page each signed link in it
opens, which asks first and acts on the POST."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from common.types import AuthedRequest
from contacts.models import Person
from conversations.models import Story
from conversations.services import follow_up_asked, touch_record
from digest.services import Action, digest_message, read_action
from relationships.services.reach_out import person_snooze, reach_out


@require_GET
def digest_preview(request: AuthedRequest) -> HttpResponse:
    """Exactly what this week's digest would contain, sent now."""
    page = reach_out(user=request.user)
    message = digest_message(user=request.user, page=page, message_id="<preview>")
    empty = not (page.people or page.follow_ups or page.open_favours or page.coming_up)
    return render(request, "digest/preview.html", {"message": message, "empty": empty})


# The email's HTML as a page of its own, for the preview's frame: its inline styles are what
# mail clients need, so this one page allows inline styles, and nothing may run in it.
@require_GET
@xframe_options_sameorigin
@csp_override(
    {
        "default-src": [CSP.NONE],
        "style-src": [CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.NONE],
        "frame-ancestors": [CSP.SELF],
    }
)
def digest_preview_email(request: AuthedRequest) -> HttpResponse:
    page = reach_out(user=request.user)
    message = digest_message(user=request.user, page=page, message_id="<preview>")
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    return HttpResponse(html)


# The signed token is the credential: the link works without logging in, only for its own user,
# and mail clients post one-click unsubscribes without any CSRF cookie.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def digest_action(request: HttpRequest, token: str) -> HttpResponse:
    template = "digest/action.html"
    try:
        action = read_action(token)
    except signing.SignatureExpired:
        message = _("This link has expired. Open Knotwork to see who to reach out to now.")
        return render(request, template, {"error": message}, status=410)
    except signing.BadSignature:
        return render(request, template, {"error": _("This link is not valid.")}, status=404)
    user = User.objects.filter(pk=action.user_id, is_active=True).first()
    person = (
        Person.objects.for_user(user).filter(pk=action.person_id).first()
        if user and action.person_id
        else None
    )
    story = (
        Story.objects.for_user(user).filter(pk=action.story_id, person=person).first()
        if user and person and action.story_id
        else None
    )
    if user is None or (action.person_id and person is None) or (action.story_id and not story):
        return render(request, template, {"error": _("This link no longer works.")}, status=404)
    with translation.override(user.language), timezone.override(user.time_zone):
        done = request.method == "POST"
        if done:
            _perform(action, user, person, story)
        context = {"action": action, "person": person, "story": story, "done": done}
        return render(request, template, context)


def _perform(action: Action, user: User, person: Person | None, story: Story | None) -> None:
    if action.name == "unsubscribe":
        User.objects.filter(pk=user.pk).update(digest_enabled=False)
        return
    assert person is not None  # noqa: S101 -- read_action only makes person actions with one
    if action.name == "asked":
        assert story is not None  # noqa: S101 -- digest_action found the follow-up, or 404ed
        follow_up_asked(story=story)
    elif action.name == "caught_up":
        touch_record(person=person)
    else:
        person_snooze(person=person)
