"""The reach-out home page and its one-tap actions, a person's whole story on one page, one
search over everything, quick capture from a phone, and taking data in and out."""

import json
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.models import User
from common.once import create_once
from contacts.models import Person
from conversations.models import Conversation, Story
from conversations.services import follow_up_asked, touch_record
from favours.models import Favour
from knotwork.ownership import get_owned_or_404
from knotwork.templatetags.humanize_dates import cadence
from knotwork.types import AuthedRequest
from relationships import importing
from relationships.capture import (
    CaptureForm,
    capture_account,
    offline_assets,
    offline_version,
    people_matching,
)
from relationships.digest import Action, digest_message, read_action
from relationships.export import UnreadableExport, export_account, export_vcards, import_account
from relationships.forms import (
    CadenceForm,
    ContactsFileForm,
    DeleteAccountForm,
    ExportFileForm,
    MergeForm,
    SnoozeForm,
)
from relationships.models import ImportBatch, Muscle
from relationships.services import (
    muscles_recompute,
    people_merge,
    reach_out,
    search_everything,
    timeline_page,
)
from relationships.tasks import apply_contacts_import, read_contacts_import


def _page_number(request: AuthedRequest) -> int:
    value = request.GET.get("page", "1")
    return max(int(value), 1) if value.isdigit() else 1


@require_GET
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(
        Person.objects.select_related("muscle").prefetch_related("tags", "channels"),
        request.user,
        pk=pk,
    )
    page = _page_number(request)
    entries, has_more = timeline_page(person=person, page=page)
    context = {"person": person, "entries": entries, "has_more": has_more, "next_page": page + 1}
    part = request.GET.get("part") if request.htmx else None
    if part in {"timeline", "entries", "side"}:
        return render(request, f"relationships/person.html#{part}", context)
    return render(request, "relationships/person.html", context)


@require_GET
def search(request: AuthedRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    hits = search_everything(user=request.user, text=text) if text else []
    template = "relationships/search.html"
    if request.htmx.target == "search-results":
        template += "#results"
    return render(request, template, {"q": text, "hits": hits})


def _reach_out_response(request: AuthedRequest) -> HttpResponse:
    """The home page, or for htmx only its reach-out list, after an action changed it."""
    context = {"page": reach_out(user=request.user), "today": timezone.localdate()}
    if request.htmx:
        return render(request, "relationships/home.html#reach-out", context)
    return redirect("home")


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    context = {"page": reach_out(user=request.user), "today": timezone.localdate()}
    return render(request, "relationships/home.html", context)


@require_POST
def caught_up(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    touch_record(person=person)
    messages.success(
        request, _("Noted: you caught up with %(name)s today.") % {"name": person.name}
    )
    return _reach_out_response(request)


@require_POST
def snooze(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    form = SnoozeForm(request.POST, person=person)
    if form.is_valid():
        Muscle.objects.filter(person=person).update(snoozed_until=form.cleaned_data["until"])
        messages.success(request, form.confirmation())
    else:
        messages.error(request, form.errors.as_text())
    return _reach_out_response(request)


@require_POST
def change_cadence(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    form = CadenceForm(request.POST, instance=person)
    if form.is_valid():
        form.save()
        messages.success(
            request,
            _("You will keep in touch with %(name)s every %(every)s.")
            % {"name": person.name, "every": cadence(person.cadence)},
        )
    else:
        messages.error(request, form.errors.as_text())
    return _reach_out_response(request)


@require_GET
def digest_preview(request: AuthedRequest) -> HttpResponse:
    """Exactly what this week's digest would contain, sent now."""
    page = reach_out(user=request.user)
    message = digest_message(user=request.user, page=page, message_id="<preview>")
    empty = not (page.people or page.follow_ups or page.open_favours)
    return render(
        request, "relationships/digest_preview.html", {"message": message, "empty": empty}
    )


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
    template = "relationships/digest_action.html"
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
        until = timezone.localdate() + person.cadence
        Muscle.objects.filter(person=person).update(snoozed_until=until)


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
    if not constant_time_compare(request.POST.get("account", ""), capture_account(request.user)):
        # Typed on this phone for another account than the one signed in now: the script keeps
        # the entry until that account signs in again, and never sends it to this one.
        if wants_json:
            return JsonResponse({"error": "another account"}, status=409)
        messages.error(request, _("That entry was typed for another account, so it was not saved."))
        return redirect("relationships:capture")
    form = CaptureForm(request.POST, owner=request.user)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return _capture_page(request, form)
    person, _created = form.save()
    saved = _("Saved %(name)s.") % {"name": person.name}
    if wants_json:
        url = reverse("relationships:person", args=[person.pk])
        return JsonResponse({"message": saved, "name": person.name, "url": url})
    messages.success(request, saved)
    return redirect(
        f"{reverse('relationships:capture')}?{urlencode({'event': form.cleaned_data['event']})}"
    )


def _capture_page(request: AuthedRequest, form: CaptureForm) -> HttpResponse:
    context = {
        "form": form,
        "account": capture_account(request.user),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    return render(request, "relationships/capture.html", context)


@require_GET
def capture_matches(request: AuthedRequest) -> HttpResponse:
    people = []
    # A page kept for another account on this phone must never offer this account's people.
    if constant_time_compare(request.GET.get("account", ""), capture_account(request.user)):
        people = people_matching(user=request.user, name=request.GET.get("name", "")[:200])
    return render(request, "relationships/capture.html#matches", {"matches": people})


@require_GET
def capture_shell(request: AuthedRequest) -> HttpResponse:
    """The capture page with no one's data in it: no account, names, messages or CSRF token.
    The service worker keeps it and shows it when the phone has no connection; the script
    then fills in the account that last opened capture online on this phone."""
    if request.headers.get("X-Capture-Shell") != "1":
        return redirect("relationships:capture")  # someone opened it: they want the real page
    context = {
        "form": CaptureForm(owner=request.user),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_token": "",
        "messages": [],
    }
    return render(request, "relationships/capture.html", context)


# Served from /capture/ rather than /static/, so its scope is the capture page and nothing
# else: it never even sees a request for another page. Without a login, since the browser
# checks it for updates whatever the session, and it holds nothing of anyone's.
@login_not_required
@require_GET
def capture_service_worker(request: HttpRequest) -> HttpResponse:
    config = {
        "version": offline_version(),
        "page": reverse("relationships:capture"),
        "shell": reverse("relationships:capture_shell"),
        "assets": offline_assets(),
    }
    response = render(
        request,
        "relationships/capture_sw.js",
        {"config": json.dumps(config)},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response


# What an account holds, counted in words with real plurals: "1 favour", "3 stories".
ACCOUNT_CONTENTS: dict[str, tuple[type[Any], Any]] = {
    "people": (Person, ngettext_lazy("%(n)d person", "%(n)d people", "n")),
    "conversations": (
        Conversation,
        ngettext_lazy("%(n)d conversation", "%(n)d conversations", "n"),
    ),
    "stories": (Story, ngettext_lazy("%(n)d story", "%(n)d stories", "n")),
    "favours": (Favour, ngettext_lazy("%(n)d favour", "%(n)d favours", "n")),
}


def _data_page(
    request: AuthedRequest,
    *,
    contacts_form: ContactsFileForm | None = None,
    export_form: ExportFileForm | None = None,
) -> HttpResponse:
    counts = {
        kind: phrase % {"n": model.objects.for_user(request.user).count()}
        for kind, (model, phrase) in ACCOUNT_CONTENTS.items()
    }
    imports = (
        ImportBatch.objects.for_user(request.user)
        .exclude(status=ImportBatch.Status.DONE)
        .only("pk", "filename", "status", "created_at")
        .order_by("-created_at")
    )
    context = {
        "counts": counts,
        "imports": imports,
        "contacts_form": contacts_form or ContactsFileForm(),
        "export_form": export_form or ExportFileForm(),
    }
    return render(request, "relationships/data.html", context)


@require_GET
def your_data(request: AuthedRequest) -> HttpResponse:
    """Take everything out, bring people or an export in, or delete the account for good."""
    return _data_page(request)


@require_GET
def export_json(request: AuthedRequest) -> HttpResponse:
    data = export_account(user=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="knotwork-{day}.json"'
    return response


@require_GET
def export_vcf(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(export_vcards(user=request.user), content_type="text/vcard")
    response["Content-Disposition"] = 'attachment; filename="knotwork-people.vcf"'
    return response


@require_POST
def import_json(request: AuthedRequest) -> HttpResponse:
    form = ExportFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = import_account(user=request.user, data=form.cleaned_data["file"])
        except UnreadableExport as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Imported %(count)d people.") % {"count": count})
            muscles_recompute(user_ids=[request.user.pk])
            return redirect("relationships:data")
    return _data_page(request, export_form=form)


@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("account_login")
    return render(request, "relationships/delete_account.html", {"form": form})


@require_http_methods(["GET", "POST"])
def merge(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    form = MergeForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["into"]
        people_merge(keep=keep, merge=person)
        messages.success(
            request,
            _("%(name)s is merged into %(into)s.") % {"name": person.name, "into": keep.name},
        )
        return redirect("relationships:person", pk=keep.pk)
    return render(request, "relationships/merge.html", {"person": person, "form": form})


@require_POST
def import_contacts(request: AuthedRequest) -> HttpResponse:
    """Read an uploaded contacts file into a preview: right away when small, in the background
    when large. Nothing is written to the user's people yet. A file that cannot be read is
    refused with the reason beside the field."""
    form = ContactsFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _data_page(request, contacts_form=form)
    batch, uploaded = create_once(
        owner=request.user,
        key=form.key,
        create=lambda: ImportBatch.objects.create(
            owner=request.user,
            filename=(form.cleaned_data["contacts"].name or "")[:200],
            content=form.text,
            total=form.entries,
        ),
    )
    if uploaded:
        _read(batch)
    return redirect("relationships:import_preview", batch_pk=batch.pk)


def _read(batch: ImportBatch) -> None:
    if batch.total > importing.BACKGROUND_OVER:
        read_contacts_import.delay_on_commit(batch.pk)
    else:
        importing.import_read(batch=batch)


def _write(request: AuthedRequest, batch: ImportBatch) -> HttpResponse:
    """Write a batch just claimed for importing, in the background when large."""
    if batch.total > importing.BACKGROUND_OVER:
        apply_contacts_import.delay_on_commit(batch.pk)
        return redirect("relationships:import_preview", batch_pk=batch.pk)
    result = importing.import_apply(batch=batch)
    if result is None:  # the preview page says why, and offers to try again
        return redirect("relationships:import_preview", batch_pk=batch.pk)
    created, updated = result
    muscles_recompute(user_ids=[request.user.pk])
    done = _("Imported: %(created)d new people, %(updated)d already known.")
    messages.success(request, done % {"created": created, "updated": updated})
    return redirect("contacts:list")


IMPORT_TABS = {
    importing.NEW: gettext_lazy("New"),
    importing.KNOWN: gettext_lazy("Known"),
    importing.MAYBE: gettext_lazy("Maybe"),
    importing.ERROR: gettext_lazy("Errors"),
}
IMPORT_PAGE_SIZE = 100


@require_GET
def import_preview(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    """The preview, 100 entries of one kind (new, known, maybe, errors) at a time; or, while
    the file is read or written, the progress, which reloads the page once it is over."""
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
    if request.htmx.target == "import-progress":
        if not batch.busy:
            return HttpResponseClientRefresh()
        return render(request, "relationships/import_preview.html#progress", {"batch": batch})
    counts = Counter(row["status"] for row in batch.candidates)
    show = request.GET.get("show", "")
    if show not in IMPORT_TABS:  # the kind that most needs a look first
        order = [importing.MAYBE, importing.ERROR, importing.NEW, importing.KNOWN]
        show = next((kind for kind in order if counts[kind]), importing.NEW)
    shown = [(i, row) for i, row in enumerate(batch.candidates) if row["status"] == show]
    page = Paginator(shown, IMPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    merges = set(batch.merges)
    context = {
        "batch": batch,
        "counts": counts,
        "show": show,
        "tabs": [(kind, label, counts[kind]) for kind, label in IMPORT_TABS.items()],
        "page": page,
        "rows": [{**row, "index": i, "merge": i in merges} for i, row in page],
    }
    return render(request, "relationships/import_preview.html", context)


def _choose(batch: ImportBatch, data: QueryDict) -> None:
    """Record, for each "maybe" entry posted, whether to merge it into the person shown beside
    it ("merge") or to create a new person ("new", the default)."""
    choices = {
        int(key.removeprefix("choice-")): value
        for key, value in data.items()
        if key.startswith("choice-") and key.removeprefix("choice-").isdigit()
    }
    if not choices:
        return
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(
            pk=batch.pk, status=ImportBatch.Status.PREVIEW
        )
        current = locked.values_list("merges", flat=True).first()
        if current is None:  # no longer a preview
            return
        merges = set(current)
        for index, choice in choices.items():
            if index < len(batch.candidates) and batch.candidates[index]["status"] == "maybe":
                if choice == "merge":
                    merges.add(index)
                else:
                    merges.discard(index)
        locked.update(merges=sorted(merges))
    batch.merges = sorted(merges)


@require_POST
def import_choose(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    """Keep the choices made on one page of "maybe" entries: at once with htmx, or on the way
    to another page without it."""
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
    _choose(batch, request.POST)
    if request.htmx:
        return HttpResponse(status=204)
    page = request.POST.get("page", "1")
    query = urlencode({"show": importing.MAYBE, "page": page if page.isdigit() else "1"})
    return redirect(f"{reverse('relationships:import_preview', args=[batch.pk])}?{query}")


@require_POST
def import_confirm(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
    _choose(batch, request.POST)
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.IMPORTING, processed=0, updated_at=timezone.now()
    )
    if not claimed:  # confirmed already, or still being read
        return redirect("relationships:import_preview", batch_pk=batch.pk)
    return _write(request, batch)


@require_POST
def import_retry(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    """Try a failed batch again, from where it failed: reading the file, or writing."""
    batch = get_owned_or_404(ImportBatch.objects.select_related("owner"), request.user, pk=batch_pk)
    if not importing.import_retry(batch=batch):
        return redirect("relationships:import_preview", batch_pk=batch.pk)
    if batch.status == ImportBatch.Status.IMPORTING:
        return _write(request, batch)
    _read(batch)
    return redirect("relationships:import_preview", batch_pk=batch.pk)


@require_POST
def import_discard(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    """Drop a batch that is waiting or failed, and the file with it; a busy one is left alone."""
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
    waiting = [ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED]
    deleted, _by_model = ImportBatch.objects.filter(pk=batch.pk, status__in=waiting).delete()
    if not deleted:
        return redirect("relationships:import_preview", batch_pk=batch.pk)
    messages.success(request, _("The import of %(name)s is discarded.") % {"name": batch.filename})
    return redirect("relationships:data")
