"""People: the list, and adding, editing and archiving them (a person's page is the core's,
relationships/views.py, since it draws everything that happened with them)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from common.once import create_once
from common.ownership import get_owned_or_404
from common.types import AuthedRequest
from contacts.forms import ChannelFormSet, PersonFilterForm, PersonForm
from contacts.models import Person

PAGE_SIZE = 50


@require_GET
def person_list(request: AuthedRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET, owner=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = Person.objects.for_user(request.user).filtered(**filters).prefetch_related("tags")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "contacts/person_list.html"
    if request.htmx.target == "results":
        template += "#results"
    return render(
        request, template, {"form": form, "page": page, "filtering": any(filters.values())}
    )


@require_GET
def person_suggest(request: AuthedRequest) -> HttpResponse:
    """Datalist options for a names field (the one field the request includes, whatever its
    name): what is typed so far, completed with the names of people matching the last part."""
    typed = str(next(iter(request.GET.values()), ""))[:2000]
    done, _comma, last = typed.rpartition(",")
    prefix = f"{done.strip()}, " if done.strip() else ""
    names = (
        Person.objects.for_user(request.user)
        .filter(archived=False)
        .named_like(last)
        .values_list("name", flat=True)[:8]
        if last.strip()
        else []
    )
    return render(request, "contacts/_suggestions.html", {"options": [prefix + n for n in names]})


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
    channels = ChannelFormSet(data, instance=person, prefix="channels")
    if data is not None and form.is_valid() and channels.is_valid():

        @transaction.atomic
        def save() -> Person:
            person = form.save()
            channels.instance = person
            channels.save()
            return person

        if person.pk:
            person = save()
        else:
            person, _created = create_once(owner=request.user, key=form.key, create=save)
        messages.success(request, _("Saved %(name)s.") % {"name": person.name})
        url = person.get_absolute_url()
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    template = "contacts/person_form.html"
    if request.htmx:
        template += "#form"
    return render(request, template, {"form": form, "channels": channels, "person": person})


@require_POST
def person_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=pk)
    person.archived = request.POST.get("archived") == "1"
    person.save(update_fields=["archived", "updated_at"])
    if request.htmx:
        return render(request, "contacts/_person_card.html#archive", {"person": person})
    return redirect(person)
