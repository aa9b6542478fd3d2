"""The JSON API, version 1, under /api/v1/: its operations and its OpenAPI description."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema

from api.auth import TokenAuth, TokenRateThrottle
from api.errors import described
from api.views import router


class KnotworkAPI(NinjaAPI):
    """Its description says what each error means and the headers it comes with."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"] = described(operation["responses"])
        return schema


api = KnotworkAPI(
    title="Knotwork API",
    version="1",
    description=(
        "Your people, conversations, stories and this week's reach-out list, for scripts and "
        "phone shortcuts. Send a personal access token (Settings → Access tokens) as "
        "`Authorization: Bearer <token>`. Text may hold any character but NUL: a request "
        "with a NUL byte anywhere, in its address or its body, is refused with 400."
    ),
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    urls_namespace="api",
    # The schema is served; an interactive page would load its script from a CDN.
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    # RFC 6750: a 401 names the scheme that would have let the request in.
    response = api.create_response(request, {"detail": str(error)}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


urls = api.urls
# The API answers tokens, never the session: LoginRequiredMiddleware leaves it to TokenAuth.
for pattern in urls[0]:
    if isinstance(pattern, URLPattern):
        login_not_required(pattern.callback)
