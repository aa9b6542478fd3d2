"""Recording favours asked and offered, and how they went."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.ownership import get_owned_or_404
from common.responses import form_page, safe_next, saved
from common.types import AuthedRequest
from common.undo import removal_delete, removal_offer
from contacts.models import Person
from favours.forms import FavourForm
from favours.models import Favour


@require_http_methods(["GET", "POST"])
def favour_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=person_pk)
    form = FavourForm(request.POST or None, person=person)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.create_once(owner=request.user, model=Favour)
    ):
        return saved(
            request,
            message=_("Favour saved to the timeline."),
            next_url=safe_next(request, person.get_absolute_url()),
        )
    return form_page(request, "favours/favour_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def favour_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    favour = get_owned_or_404(Favour.objects.select_related("person"), request.user, pk=pk)
    form = FavourForm(request.POST or None, instance=favour, person=favour.person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Favour saved."))
        return redirect(favour.person)
    return form_page(
        request,
        "favours/favour_form.html",
        {"form": form, "person": favour.person, "favour": favour},
    )


@require_POST
def favour_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    favour = get_owned_or_404(Favour.objects.select_related("person"), request.user, pk=pk)
    back = favour.person.get_absolute_url()
    removal = removal_delete(
        owner=request.user, objects=[favour], label=_("Favour deleted."), back=back
    )
    removal_offer(request, removal)
    return redirect(back)
