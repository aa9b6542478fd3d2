"""The root URLconf: each app mounts its own namespaced URLs.

There is deliberately no admin site: each account is private, even from whoever runs the server.
"""

from django.urls import include, path

from accounts import views as accounts_views
from api.urls import urls as api_urls
from knotwork.health import healthz
from relationships import views as relationships_views

urlpatterns = [
    path("", relationships_views.home, name="home"),
    path("", include("relationships.urls")),
    path("people/", include("contacts.urls")),
    path("", include("connections.urls")),
    path("conversations/", include("conversations.urls")),
    path("favours/", include("favours.urls")),
    path("capture/", include("capture.urls")),
    path("digest/", include("digest.urls")),
    path("data/", include("portability.urls")),
    path("calendar/", include("calendars.urls")),
    path("account/", include("accounts.urls")),
    path("undo/", include("common.urls")),
    # Two of allauth's pages, changed in Knotwork (see accounts.views), in front of its own.
    path("account/login/", accounts_views.LoginView.as_view(), name="account_login"),
    path(
        "account/2fa/authenticate/",
        accounts_views.AuthenticateView.as_view(),
        name="mfa_authenticate",
    ),
    path("account/", include("allauth.urls")),
    path("api/v1/", api_urls),
    path("healthz", healthz, name="healthz"),
]
