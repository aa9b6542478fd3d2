"""The reach-out home page and its one-tap actions, a person's whole story on one page, and
one search over everything."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import cadence, week_name
from common.ownership import get_owned_or_404
from common.types import AuthedRequest
from connections.views import section_context, with_introduction
from contacts.models import Occurrence, Person, PersonDate
from conversations.services import touch_record
from relationships.forms import (
    CadenceForm,
    MergeForm,
    SearchForm,
    SnoozeForm,
    TravellingForm,
)
from relationships.services.brief import brief_for
from relationships.services.merge import people_merge
from relationships.services.reach_out import person_snooze, reach_out
from relationships.services.search import search_everything
from relationships.services.timeline import Cursor, timeline_page
from relationships.services.travelling import city_counts, city_people


@require_GET
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_owned_or_404(
        with_introduction(Person.objects.select_related("muscle").for_card()).prefetch_related(
            "dates"
        ),
        request.user,
        pk=pk,
    )
    before = Cursor.parse(request.GET.get("before", ""))
    entries, earlier = timeline_page(person=person, before=before)
    today = timezone.localdate()
    context = {
        "person": person,
        "entries": entries,
        "earlier": earlier,
        "date_lines": person.date_lines(today),
        "met_sentence": person.met_sentence(today),
    }
    part = request.GET.get("part") if request.htmx else None
    if part in {"timeline", "entries", "side"}:
        return render(request, f"relationships/person.html#{part}", context)
    context |= section_context(person)
    return render(request, "relationships/person.html", context)


@require_GET
def brief(request: AuthedRequest, pk: int) -> HttpResponse:
    """One screen to read in the minute before you meet someone."""
    person = get_owned_or_404(
        Person.objects.select_related("muscle").for_card().prefetch_related("dates"),
        request.user,
        pk=pk,
    )
    return render(request, "relationships/brief.html", {"brief": brief_for(person=person)})


@require_GET
def search(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    hits = search_everything(user=request.user, text=text) if text else []
    template = "relationships/search.html"
    if request.htmx.target == "search-results":
        template += "#results"
    return render(request, template, {"q": text, "hits": hits})


TRAVELLING_PAGE_SIZE = 50
UPCOMING_DAYS = 60


@require_GET
def upcoming(request: AuthedRequest) -> HttpResponse:
    """The dates of the next 60 days, week by week."""
    today = timezone.localdate()
    dates = PersonDate.objects.for_user(request.user).upcoming(today=today, days=UPCOMING_DAYS)
    weeks: dict[datetime.date, list[Occurrence]] = {}
    for occurrence in dates:
        monday = occurrence.on - datetime.timedelta(days=occurrence.on.weekday())
        weeks.setdefault(monday, []).append(occurrence)
    this_monday = today - datetime.timedelta(days=today.weekday())
    context = {
        "weeks": [(week_name(monday, this_monday), found) for monday, found in weeks.items()],
        "today": today,
        "days": UPCOMING_DAYS,
    }
    return render(request, "relationships/upcoming.html", context)


@require_GET
def travelling(request: AuthedRequest) -> HttpResponse:
    """Travelling to a city: everyone who lives there, the closest first, with when you last
    spoke, then who lives nearby, with how far; before a city is typed, the cities your people
    live in."""
    form = TravellingForm(request.GET)
    city = form.cleaned_data["city"] if form.is_valid() else ""
    context: dict[str, object] = {"form": form, "city": city}
    if city:
        found = city_people(user=request.user, city=city)
        paginator = Paginator(found.people, TRAVELLING_PAGE_SIZE)
        paginator.count = found.here + found.nearby  # counted already, with the split
        page = paginator.get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "here": [person for person in page if person.here],  # type: ignore[attr-defined]
            "nearby": [person for person in page if not person.here],  # type: ignore[attr-defined]
            "here_count": found.here,
            "nearby_count": found.nearby,
        }
    else:
        context["cities"] = city_counts(user=request.user)
    template = "relationships/travelling.html"
    if request.htmx.target == "travelling-results":
        template += "#results"
    return render(request, template, context)


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
        until = person_snooze(person=person, until=form.cleaned_data["until"])
        messages.success(request, form.confirmation(until))
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
