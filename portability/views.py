"""Your data: take everything out, bring an export back, and import a contacts file through a
preview."""

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import asks_again
from common.ownership import get_owned_or_404
from common.types import AuthedRequest
from contacts.models import Person
from conversations.models import Conversation, Story
from favours.models import Favour
from portability import importing
from portability.export import (
    UnreadableExport,
    export_account_json,
    export_vcards,
    import_account,
)
from portability.forms import ContactsFileForm, ExportFileForm
from portability.models import ImportBatch
from portability.tasks import apply_contacts_import, read_contacts_import
from relationships.services.muscles import muscles_recompute

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
    return render(request, "portability/data.html", context)


@require_GET
def your_data(request: AuthedRequest) -> HttpResponse:
    """Take everything out, bring people or an export in, or delete the account for good."""
    return _data_page(request)


@asks_again(on_get=True)
@require_GET
def export_json(request: AuthedRequest) -> StreamingHttpResponse:
    day = timezone.localdate().isoformat()
    content = export_account_json(user=request.user)
    return _download(content, "application/json", f"knotwork-{day}.json")


@asks_again(on_get=True)
@require_GET
def export_vcf(request: AuthedRequest) -> StreamingHttpResponse:
    return _download(export_vcards(user=request.user), "text/vcard", "knotwork-people.vcf")


def _download(content: Iterator[bytes], content_type: str, name: str) -> StreamingHttpResponse:
    """A file sent as it is written, so the whole of it is never held in memory."""
    response = StreamingHttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
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
            return redirect("portability:data")
    return _data_page(request, export_form=form)


@require_POST
def import_contacts(request: AuthedRequest) -> HttpResponse:
    """Read an uploaded contacts file into a preview: right away when small, in the background
    when large. Nothing is written to the user's people yet. A file that cannot be read is
    refused with the reason beside the field."""
    form = ContactsFileForm(request.POST, request.FILES)
    once = form.is_valid() and form.create_once(
        owner=request.user,
        model=ImportBatch,
        create=lambda: ImportBatch.objects.create(
            owner=request.user,
            filename=(form.cleaned_data["contacts"].name or "")[:200],
            content=form.text,
            total=form.entries,
        ),
    )
    if not once:
        return _data_page(request, contacts_form=form)
    batch, uploaded = once
    if uploaded:
        _read(batch)
    return redirect("portability:import_preview", batch_pk=batch.pk)


def _read(batch: ImportBatch) -> None:
    if batch.total > importing.BACKGROUND_OVER:
        read_contacts_import.delay_on_commit(batch.pk)
    else:
        importing.import_read(batch=batch)


def _write(request: AuthedRequest, batch: ImportBatch) -> HttpResponse:
    """Write a batch just claimed for importing, in the background when large."""
    if batch.total > importing.BACKGROUND_OVER:
        apply_contacts_import.delay_on_commit(batch.pk)
        return redirect("portability:import_preview", batch_pk=batch.pk)
    result = importing.import_apply(batch=batch)
    if result is None:  # the preview page says why, and offers to try again
        return redirect("portability:import_preview", batch_pk=batch.pk)
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
    if request.htmx.target == "import-progress":
        # Polled every few seconds: without the entries, which photos make large.
        progress = ImportBatch.objects.defer("candidates", "content")
        batch = get_owned_or_404(progress, request.user, pk=batch_pk)
        if not batch.busy:
            return HttpResponseClientRefresh()
        return render(request, "portability/import_preview.html#progress", {"batch": batch})
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
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
    return render(request, "portability/import_preview.html", context)


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
            owner=batch.owner_id, pk=batch.pk, status=ImportBatch.Status.PREVIEW
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
    return redirect(f"{reverse('portability:import_preview', args=[batch.pk])}?{query}")


@require_POST
def import_confirm(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
    _choose(batch, request.POST)
    claimed = (
        ImportBatch.objects.for_user(request.user)
        .filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW)
        .update(status=ImportBatch.Status.IMPORTING, processed=0, updated_at=timezone.now())
    )
    if not claimed:  # confirmed already, or still being read
        return redirect("portability:import_preview", batch_pk=batch.pk)
    return _write(request, batch)


@require_POST
def import_retry(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    """Try a failed batch again, from where it failed: reading the file, or writing."""
    batch = get_owned_or_404(ImportBatch.objects.select_related("owner"), request.user, pk=batch_pk)
    if not importing.import_retry(batch=batch):
        return redirect("portability:import_preview", batch_pk=batch.pk)
    if batch.status == ImportBatch.Status.IMPORTING:
        return _write(request, batch)
    _read(batch)
    return redirect("portability:import_preview", batch_pk=batch.pk)


@require_POST
def import_discard(request: AuthedRequest, batch_pk: int) -> HttpResponse:
    """Drop a batch that is waiting or failed, and the file with it; a busy one is left alone."""
    batch = get_owned_or_404(ImportBatch, request.user, pk=batch_pk)
    waiting = [ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED]
    deleted, _by_model = (
        ImportBatch.objects.for_user(request.user).filter(pk=batch.pk, status__in=waiting).delete()
    )
    if not deleted:
        return redirect("portability:import_preview", batch_pk=batch.pk)
    messages.success(request, _("The import of %(name)s is discarded.") % {"name": batch.filename})
    return redirect("portability:data")
