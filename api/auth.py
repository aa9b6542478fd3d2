"""Who is asking: a personal access token in the `Authorization: Bearer` header, and nothing
else (never a cookie, never the address). A wrong, expired or revoked token looks the same."""

from typing import cast

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts.models import AccessToken
from accounts.services import token_authenticate


class TokenRequest(HttpRequest):
    """A request past TokenAuth: `auth` is always a live token."""

    auth: AccessToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_authenticate(secret=token)
        if found is not None:
            # As a page would for them: "today" is the owner's day, and reasons, starters and
            # error messages come in their language.
            timezone.activate(found.owner.time_zone)
            translation.activate(found.owner.language)
        return found


def require_write(request: TokenRequest) -> None:
    """A read-only token may look, never change anything."""
    if not request.auth.can_write:
        raise HttpError(403, "This token can only read.")


class TokenRateThrottle(SimpleRateThrottle):
    """At most API_RATE_LIMIT_PER_MINUTE requests a minute for each token, counted in the
    cache (Redis in production) so every worker process shares the count."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(rate="1/m")

    def allow_request(self, request: HttpRequest) -> bool:
        # Read at each request, not at import, so the setting can change without a restart.
        self.num_requests, self.duration = settings.API_RATE_LIMIT_PER_MINUTE, 60
        return bool(super().allow_request(request))

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = cast(AccessToken | None, getattr(request, "auth", None))
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
