"""The JSON API, version 1, under /api/v1/: its operations and its OpenAPI description."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern
from ninja import NinjaAPI

from api.auth import TokenAuth, TokenRateThrottle
from api.views import router

api = NinjaAPI(
    title="Knotwork API",
    version="1",
    description=(
        "Your people, conversations, stories and this week's reach-out list, for scripts and "
        "phone shortcuts. Send a personal access token (Settings → Access tokens) as "
        "`Authorization: Bearer <token>`."
    ),
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    urls_namespace="api",
    # The schema is served; an interactive page would load its script from a CDN.
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", router)

urls = api.urls
# The API answers tokens, never the session: LoginRequiredMiddleware leaves it to TokenAuth.
for pattern in urls[0]:
    if isinstance(pattern, URLPattern):
        login_not_required(pattern.callback)
