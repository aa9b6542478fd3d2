"""Personal access tokens: made, recognised and revoked in one place, for the settings page
and the API alike."""

import datetime
import hashlib
import secrets

from django.utils import timezone

from accounts.models import AccessToken, User
from common.models import Removal
from common.undo import removal_delete

PREFIX = "knot_"
# Seconds between writes of "last used", so a busy script does not write on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _digest(secret: str) -> str:
    # The secret is 256 random bits: a plain hash is enough, no salt or slow hash needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *,
    owner: User,
    name: str,
    scope: str,
    expires_at: datetime.datetime | None = None,
) -> tuple[AccessToken, str]:
    """Make a token; return it and its secret, which is never stored and never shown again."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        owner=owner, name=name, scope=scope, expires_at=expires_at, digest=_digest(secret)
    )
    return token, secret


def token_authenticate(*, secret: str) -> AccessToken | None:
    """The live token with this secret, noting that it was used; None for a wrong, expired or
    revoked one, alike."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("owner")
        .filter(digest=_digest(secret), owner__is_active=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.has_expired(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(*, token: AccessToken, label: str, back: str) -> Removal:
    """Revoked at once: the row goes, so the next request with its secret gets 401. For a few
    minutes an undo can bring it back, its secret working again: the owner's own choice, as
    revoking was."""
    return removal_delete(owner=token.owner, objects=[token], label=label, back=back)
