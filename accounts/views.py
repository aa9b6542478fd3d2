"""The user's own preferences, personal access tokens, and deleting the account for good;
sign-up, log-in, passwords, two-factor, passkeys and sessions are django-allauth's."""

from typing import Any

from allauth.account.stages import LoginStage
from allauth.account.views import LoginView as AllauthLoginView
from allauth.mfa.base.views import AuthenticateView as AllauthAuthenticateView
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import asks_again
from accounts.forms import AccessTokenForm, PreferencesForm, time_zones_like
from accounts.models import AccessToken
from accounts.services import token_create, token_revoke
from common.ownership import get_owned_or_404
from common.types import AuthedRequest
from common.undo import removal_offer


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
    context = {"form": form, "single_sign_on": bool(settings.SOCIALACCOUNT_PROVIDERS)}
    return render(request, "accounts/preferences.html", context)


@require_GET
def time_zone_suggest(request: AuthedRequest) -> HttpResponse:
    typed = str(request.GET.get("time_zone", ""))[:64]
    return render(request, "_suggestions.html", {"options": time_zones_like(typed)})


# Asking again on the POST only: the page shows what will happen, then the button asks for the
# password (or a second factor) unless it was given in the last few minutes, and carries on.
@asks_again(on_get=False)
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedRequest) -> HttpResponse:
    """Everything goes, at once: every row belongs to the user and is deleted with them."""
    if request.method == "POST":
        user = request.user
        logout(request)
        user.delete()
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("account_login")
    return render(request, "accounts/delete_account.html")


# A new token's secret, between the POST that made it and the page that shows it once. Kept in
# the session, not the address or a cookie, and only until that page: anyone who could read it
# there could read the database, and with it all a token reaches, already.
UNSHOWN = "accounts.unshown_token"


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    """Personal access tokens for the API: the list, and a new one, whose secret shows once."""
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _token_make(request, form)
    return _tokens_page(request, form)


def _tokens_page(request: AuthedRequest, form: AccessTokenForm) -> HttpResponse:
    context = {
        "form": form,
        "secret": request.session.pop(UNSHOWN, ""),
        "tokens": AccessToken.objects.for_user(request.user),
    }
    return render(request, "accounts/tokens.html", context)


# Asked only once the form is right, so a mistake is shown beside its field at once. Whether it
# was made now or after the password was given again (allauth carries the form on from its
# own page), it ends on the tokens page's own address, where the secret shows.
@asks_again(on_get=False)
def _token_make(request: AuthedRequest, form: AccessTokenForm) -> HttpResponse:
    made: list[str] = []

    def make() -> AccessToken:
        token, secret = token_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
        )
        made.append(secret)
        return token

    once = form.create_once(owner=request.user, model=AccessToken, create=make)
    if once is None:
        return _tokens_page(request, form)
    if once[1]:
        request.session[UNSHOWN] = made[0]
    elif UNSHOWN not in request.session:
        # Sent again after the page showed its secret, which is kept nowhere to show twice.
        messages.info(request, _("That token was already made; its secret showed only once."))
    return redirect("accounts:tokens")


@require_POST
def token_delete(request: AuthedRequest, token_pk: int) -> HttpResponse:
    token = get_owned_or_404(AccessToken, request.user, pk=token_pk)
    removal = token_revoke(
        token=token,
        label=_("Token “%(name)s” revoked.") % {"name": token.name},
        back=reverse("accounts:tokens"),
    )
    removal_offer(request, removal)
    return redirect("accounts:tokens")


@require_POST
def session_end(request: AuthedRequest, session_pk: int) -> HttpResponse:
    """Sign one device out (allauth's page ends all the others at once). Ending this one is
    logging out."""
    session = get_object_or_404(UserSession, user=request.user, pk=session_pk)
    if session.is_current():
        logout(request)
        return redirect("account_login")
    get_adapter().end_sessions([session])
    messages.success(request, _("That device is signed out."))
    return redirect("usersessions_list")


class LoginView(AllauthLoginView):  # type: ignore[misc]  # allauth has no types
    """allauth's login page, which always starts a login afresh. allauth sends anyone with a
    login half done (the password given, the second factor not yet) back to its code prompt for
    fifteen minutes, so after a wrong code the login page could not be reached to start over."""

    def _redirect_to_pending_stage(
        self, request: HttpRequest, stage: LoginStage
    ) -> HttpResponseRedirect | None:
        return None


class AuthenticateView(AllauthAuthenticateView):  # type: ignore[misc]  # allauth has no types
    """allauth's second-factor prompt, told whether the person has a security key or passkey
    to offer instead of a code (allauth offers one to everyone)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["has_security_key"] = Authenticator.objects.filter(
            user=self.stage.login.user, type=Authenticator.Type.WEBAUTHN
        ).exists()
        return context
