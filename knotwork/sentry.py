"""Error reports to Sentry or GlitchTip, only when SENTRY_DSN is set. A report carries what went
wrong and where, never who: no request body, cookies, query string, user, local variables or
breadcrumbs (log lines and queries can quote someone's data)."""

from typing import TYPE_CHECKING, Any

from knotwork import __version__

if TYPE_CHECKING:
    from sentry_sdk.types import Event

# Headers that identify a person or a session.
PRIVATE_HEADERS = {"authorization", "cookie", "x-csrftoken", "x-forwarded-for", "x-real-ip"}


def scrub(event: "Event", hint: dict[str, Any]) -> "Event":
    """Drop everything personal from an event before it leaves the machine."""
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        url, headers = request.get("url"), request.get("headers")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in PRIVATE_HEADERS
            }
    return event


def sentry_init(*, dsn: str) -> bool:
    """Start reporting errors to `dsn`; without one, do nothing at all. Returns whether it did."""
    if not dsn:
        return False
    import sentry_sdk  # only imported when used: without a DSN nothing of it runs

    sentry_sdk.init(
        dsn=dsn,
        release=f"knotwork@{__version__}",
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        traces_sample_rate=0,
        before_send=scrub,
    )
    return True
