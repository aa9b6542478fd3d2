"""Request types for views that only signed-in users reach."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:  # the floor imports no app; the user model is only named for the type checker
    from accounts.models import User


class AuthedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: the user is always a real User."""

    user: "User"
    htmx: HtmxDetails
