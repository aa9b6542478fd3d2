"""People: the list, and adding, editing and archiving them (a person's page is the core's,
relationships/views.py, since it draws everything that happened with them)."""

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.forms import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from common.forms import id_in, paged_after
from common.models import Removal
from common.ownership import get_owned_or_404
from common.responses import form_page
from common.types import AuthedRequest
from common.undo import removal_delete, removal_offer
from contacts import photos
from contacts.forms import (
    SUGGESTED,
    ChannelFormSet,
    PersonDateForm,
    PersonFilterForm,
    PersonForm,
    PhotoForm,
)
from contacts.models import CHANNELS_EDITED, Channel, Person, PersonDate, Tag

PAGE_SIZE = 50


@require_GET
def person_list(request: AuthedRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET, owner=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = Person.objects.for_user(request.user).filtered(**filters).prefetch_related("tags")
    after = paged_after(request.GET)
    if after:
        people = people.after(after)
    # One more than a page tells whether there is a next one, without counting them all.
    shown = list(people[: PAGE_SIZE + 1])
    template = "contacts/person_list.html"
    if request.htmx.target == "results":
        template += "#results"
    context = {
        "form": form,
        "people": shown[:PAGE_SIZE],
        "next_after": shown[PAGE_SIZE - 1].pk if len(shown) > PAGE_SIZE else None,
        "paged": after is not None,
        "filtering": any(value not in (None, "") for value in filters.values()),
    }
    return render(request, template, context)


def _completing(typed: str) -> tuple[str, str]:
    """A comma-separated field split for suggestions: what is done (with its comma and space,
    to be kept in front of each option) and the last part, being typed."""
    done, _comma, last = typed.rpartition(",")
    return (f"{done.strip()}, " if done.strip() else ""), last.strip()


@require_GET
def person_suggest(request: AuthedRequest) -> HttpResponse:
    """Datalist options for a names field (the one field the request includes, whatever its
    name, beside `besides`: the person the form is about, never offered): what is typed so far,
    completed with the names of people offered for the last part (`offered_for`, as the field
    resolves them)."""
    typed = next((str(v) for k, v in request.GET.items() if k != "besides"), "")
    prefix, last = _completing(typed[:2000])
    people = Person.objects.for_user(request.user)
    if besides := id_in(request.GET, "besides"):
        people = people.exclude(pk=besides)
    names = people.offered_for(last).values_list("name", flat=True)[:8] if last else []
    return render(request, "_suggestions.html", {"options": [prefix + n for n in names]})


@require_GET
def tag_suggest(request: AuthedRequest) -> HttpResponse:
    """Datalist options for a tag field, one tag or a comma-separated list (whichever field
    the request includes): the user's tags holding the last part typed, most used first."""
    prefix, last = _completing(str(next(iter(request.GET.values()), ""))[:500])
    names = (
        Tag.objects.for_user(request.user)
        .containing(last)
        .annotate(used=Count("people"))
        .order_by("-used", Lower("name"))
        .values_list("name", flat=True)[:8]
        if last
        else []
    )
    return render(request, "_suggestions.html", {"options": [prefix + n for n in names]})


@require_GET
def value_suggest(request: AuthedRequest) -> HttpResponse:
    """Datalist options for an organisation or a city (whichever field the request includes):
    the user's own values containing what is typed, case and accents aside, each once, as it is
    most often written ("Zalando", not also "zalando"; a town once for "Munich" and "München"),
    most used first."""
    typed_in = ((name, str(text)) for name, text in request.GET.items() if name in SUGGESTED)
    field, typed = next(typed_in, ("", ""))
    typed = typed.strip()[:200]
    options = (
        Person.objects.for_user(request.user)
        .spellings(field, containing=typed)
        .values_list("value", flat=True)[:8]
        if typed
        else []
    )
    return render(request, "_suggestions.html", {"options": options})


@require_http_methods(["GET", "POST"])
def person_create(request: AuthedRequest) -> HttpResponse:
    return _edit(request, Person(owner=request.user))


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, get_owned_or_404(Person, request.user, pk=pk))


def _edit(request: AuthedRequest, person: Person) -> HttpResponse:
    """One form serves adding and editing: the person, their tags and their channels."""
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, instance=person, owner=request.user)
    # The first of their channels: more than a form can hold stay as they are.
    edited = Channel.objects.filter(
        pk__in=Channel.objects.filter(person=person.pk)
        .order_by("pk")
        .values("pk")[:CHANNELS_EDITED]
    )
    channels = ChannelFormSet(data, instance=person, prefix="channels", queryset=edited)
    if data is not None and form.is_valid() and channels.is_valid():
        saved = _save(request, form, channels)
        if saved is not None:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            url = saved.get_absolute_url()
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    template = "contacts/person_form.html"
    if request.htmx:
        template += "#form"
    kept = person.channels.count() - CHANNELS_EDITED if person.pk else 0
    context = {"form": form, "channels": channels, "person": person, "channels_kept": kept}
    return render(request, template, context)


def _save(
    request: AuthedRequest, form: PersonForm, channels: BaseInlineFormSet[Channel, Person, Any]
) -> Person | None:
    """The person and their channels in one transaction; someone new once for the form's key
    (None when the key was spent, and the form says so)."""

    @transaction.atomic
    def save() -> Person:
        person = form.save()
        channels.instance = person
        channels.save()
        return person

    if form.instance.pk:
        return save()
    made = form.create_once(owner=request.user, model=Person, create=save)
    return made[0] if made else None


@require_POST
def person_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    person.archived = request.POST.get("archived") == "1"
    person.save(update_fields=["archived", "updated_at"])
    if request.htmx:
        return render(request, "contacts/_person_card.html#archive", {"person": person})
    return redirect(person)


@require_GET
def person_photo(request: AuthedRequest, pk: int) -> FileResponse:
    return _photo_response(request, pk, "photo")


@require_GET
def person_photo_thumbnail(request: AuthedRequest, pk: int) -> FileResponse:
    return _photo_response(request, pk, "photo_thumbnail")


def _photo_response(request: AuthedRequest, pk: int, field: str) -> FileResponse:
    """A photo, to its owner only. What is stored is always a JPEG that contacts/photos.py
    made, so it goes out as one, and the browser is told not to guess otherwise."""
    person = get_owned_or_404(Person.objects.only("pk", "owner", field), request.user, pk=pk)
    file = getattr(person, field)
    if not file:
        raise Http404
    try:
        response = FileResponse(file.open("rb"), content_type=photos.CONTENT_TYPE)
    except FileNotFoundError:
        raise Http404 from None
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    # The address names the file (Person.photo_url), so this one never changes: keep it, but
    # only in the owner's own browser, never in a shared cache.
    current = request.GET.get("v") == Path(file.name).stem
    response["Cache-Control"] = (
        "private, max-age=31536000, immutable" if current else "private, no-cache"
    )
    return response


@require_POST
def photo_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new photo, taken with the phone's camera or chosen from a file. With htmx the card
    comes back showing it, or saying beside the buttons why it was refused."""
    person = get_owned_or_404(Person, request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        photos.photo_set(person=person, photo=form.cleaned_data["photo"])
        if not request.htmx:
            messages.success(request, _("Saved the photo of %(name)s.") % {"name": person.name})
            return redirect(person)
    return _photo_answer(request, person, form)


@require_POST
def photo_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    removal = photos.photo_remove(
        owner=request.user,
        person=person,
        label=_("Removed the photo of %(name)s.") % {"name": person.name},
        back=person.get_absolute_url(),
    )
    removal_offer(request, removal)
    if not request.htmx:
        return redirect(person)
    return _photo_answer(request, person, PhotoForm())


def _photo_answer(request: AuthedRequest, person: Person, form: PhotoForm) -> HttpResponse:
    if request.htmx:
        person = Person.objects.for_user(request.user).for_card().get(pk=person.pk)
        context = {"person": person, "photo_form": form}
        return render(request, "contacts/_person_card.html", context)
    return render(request, "contacts/photo_form.html", {"person": person, "photo_form": form})


@require_http_methods(["GET", "POST"])
def date_create(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    form = PersonDateForm(request.POST or None, initial=_typed(request), person=person)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.create_once(owner=request.user, model=PersonDate)
    ):
        return _dates_saved(request, person, _("Date saved."))
    return _date_form(request, form, person)


@require_http_methods(["GET", "POST"])
def date_edit(request: AuthedRequest, date_pk: int) -> HttpResponse:
    date = get_owned_or_404(PersonDate.objects.select_related("person"), request.user, pk=date_pk)
    form = PersonDateForm(
        request.POST or None, initial=_typed(request), instance=date, person=date.person
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        return _dates_saved(request, date.person, _("Date saved."))
    return _date_form(request, form, date.person)


@require_POST
def date_delete(request: AuthedRequest, date_pk: int) -> HttpResponse:
    date = get_owned_or_404(PersonDate.objects.select_related("person"), request.user, pk=date_pk)
    removal = removal_delete(
        owner=request.user,
        objects=[date],
        label=_("Date deleted."),
        back=date.person.get_absolute_url(),
    )
    return _dates_saved(request, date.person, removal.label, removal=removal)


def _typed(request: AuthedRequest) -> dict[str, str]:
    """What was typed so far, when the form is drawn again for another kind: a GET, which
    saves nothing."""
    return {name: request.GET[name] for name in PersonDateForm.TYPED if name in request.GET}


def _date_form(request: AuthedRequest, form: PersonDateForm, person: Person) -> HttpResponse:
    context = {"form": form, "person": person, "date": form.instance if form.instance.pk else None}
    return form_page(request, "contacts/date_form.html", context)


def _dates_saved(
    request: AuthedRequest, person: Person, message: str, removal: Removal | None = None
) -> HttpResponse:
    """With htmx, the person's dates again in place of the form, saying what happened (and
    offering to undo a removal); without, back to their page."""
    if not request.htmx:
        if removal:
            removal_offer(request, removal)
        else:
            messages.success(request, message)
        return redirect(person)
    person = Person.objects.for_user(request.user).prefetch_related("dates").get(pk=person.pk)
    today = timezone.localdate()
    context = {
        "person": person,
        "date_lines": person.date_lines(today),
        "met_sentence": person.met_sentence(today),
    }
    context |= {"saved": message, "removal_pk": removal.pk if removal else None}
    response = render(request, "contacts/_dates.html", context)
    return reswap(retarget(response, "#dates"), "outerHTML")
