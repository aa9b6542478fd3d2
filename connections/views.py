"""Linking two people, unlinking them, and naming who introduced you. Each answers htmx with the
person page's connections section, drawn afresh; without JavaScript, it goes back to the page."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.ownership import get_owned_or_404
from common.types import AuthedRequest
from common.undo import removal_delete, removal_offer
from connections.forms import IntroductionForm, LinkForm
from connections.models import Connection, Introduction
from connections.picture import picture_layout
from connections.services import could_introduce, introduction_set, people_around
from contacts.models import Person

# The picture and the list beside it stay readable up to this many people.
AROUND_SHOWN = 50
INTRODUCERS_SHOWN = 10


def with_introduction(people: QuerySet[Person]) -> QuerySet[Person]:
    """People fetched with who introduced you, which their connections section shows."""
    return people.select_related("introduction__introducer")


def section_context(
    person: Person,
    link_form: LinkForm | None = None,
    introduction_form: IntroductionForm | None = None,
) -> dict[str, Any]:
    """What the connections section of a person's page shows, in a fixed number of queries (the
    person fetched `with_introduction`):
    who is around them (drawn and listed), who introduced you, and for someone you want to
    meet, who could introduce you."""
    around = people_around(person=person, limit=AROUND_SHOWN)
    try:  # fetched with the person, by `with_introduction`
        introduction: Introduction | None = person.introduction
    except Introduction.DoesNotExist:
        introduction = None
    if introduction_form is None:
        name = introduction.introducer.name if introduction else ""
        introduction_form = IntroductionForm(initial={"introduced_by": name}, person=person)
    return {
        "person": person,
        "around": around,
        "picture": picture_layout(person=person, around=around.people),
        "introduction": introduction,
        "introducers": could_introduce(person=person, limit=INTRODUCERS_SHOWN)
        if person.status == Person.Status.WANT_TO_MEET
        else None,
        "link_form": link_form or LinkForm(person=person),
        "introduction_form": introduction_form,
    }


def _answer(request: AuthedRequest, person: Person, **forms: Any) -> HttpResponse:
    if request.htmx:
        return render(request, "connections/_section.html", section_context(person, **forms))
    if any(form.errors for form in forms.values()):
        return render(request, "connections/form_page.html", section_context(person, **forms))
    return redirect(person)


@require_http_methods(["GET", "POST"])
def link_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_owned_or_404(with_introduction(Person.objects.all()), request.user, pk=person_pk)
    if request.method == "GET":
        return render(request, "connections/form_page.html", section_context(person))
    form = LinkForm(request.POST, person=person)
    if not (form.is_valid() and form.create_once(owner=request.user, model=Connection)):
        return _answer(request, person, link_form=form)
    messages.success(
        request,
        _("Linked %(name)s and %(other)s.")
        % {"name": person.name, "other": form.cleaned_data["other"].name},
    )
    return _answer(request, person)


@require_POST
def link_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_owned_or_404(
        Connection.objects.select_related("person_a", "person_b"), request.user, pk=pk
    )
    # The page it was removed from: the end named in the form, else the first.
    on_page_pk = (
        link.person_b_id if request.POST.get("from") == str(link.person_b_id) else link.person_a_id
    )
    on_page = get_owned_or_404(with_introduction(Person.objects.all()), request.user, pk=on_page_pk)
    label = _("%(name)s and %(other)s are no longer linked.") % {
        "name": link.person_a.name,
        "other": link.person_b.name,
    }
    removal = removal_delete(
        owner=request.user, objects=[link], label=label, back=on_page.get_absolute_url()
    )
    removal_offer(request, removal)
    return _answer(request, on_page)


@require_http_methods(["GET", "POST"])
def introduction_edit(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_owned_or_404(with_introduction(Person.objects.all()), request.user, pk=person_pk)
    if request.method == "GET":
        return render(request, "connections/form_page.html", section_context(person))
    form = IntroductionForm(request.POST, person=person)
    if not form.is_valid():
        return _answer(request, person, introduction_form=form)
    introducer = form.cleaned_data["introduced_by"]
    introduction_set(person=person, introducer=introducer)
    person = get_owned_or_404(with_introduction(Person.objects.all()), request.user, pk=person.pk)
    if introducer:
        messages.success(
            request,
            _("%(introducer)s introduced you to %(name)s: saved as a favour they did you.")
            % {"introducer": introducer.name, "name": person.name},
        )
    return _answer(request, person)
