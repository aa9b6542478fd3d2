"""The user's own preferences page; sign-up, log-in and passwords are django-allauth's."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from accounts.forms import PreferencesForm
from knotwork.types import AuthedRequest


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your settings are saved."))
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})
