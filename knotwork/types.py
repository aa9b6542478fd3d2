"""Request types for views that only signed-in users reach."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: the user is always a real User."""

    user: User
    htmx: HtmxDetails
