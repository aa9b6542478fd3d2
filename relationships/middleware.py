"""Pages answer with the muscles their own changes caused."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from relationships.signals import recomputed_at_once


class RecomputeBeforeAnswering:
    """A change made through a page is recomputed as it commits, within the request, so the
    answer already shows it: the reach-out list without the person just caught up with, the
    strength after a conversation. Changes made anywhere else (jobs, imports, the shell) are
    queued for the worker. Either way, one commit causes one recompute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return self.get_response(request)
        with recomputed_at_once():
            return self.get_response(request)
