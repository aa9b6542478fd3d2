"""The user's own preferences, and deleting the account for good; sign-up, log-in and
passwords are django-allauth's."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from accounts.forms import DeleteAccountForm, PreferencesForm, time_zones_like
from common.types import AuthedRequest


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


@require_GET
def time_zone_suggest(request: AuthedRequest) -> HttpResponse:
    typed = str(request.GET.get("time_zone", ""))[:64]
    return render(request, "_suggestions.html", {"options": time_zones_like(typed)})


@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedRequest) -> HttpResponse:
    """Everything goes, at once: every row belongs to the user and is deleted with them."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("account_login")
    return render(request, "accounts/delete_account.html", {"form": form})
