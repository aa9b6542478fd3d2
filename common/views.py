"""Undoing a removal (common.undo): the one page every Undo button posts to."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.models import UNDO_WINDOW, Removal
from common.ownership import get_owned_or_404
from common.types import AuthedRequest
from common.undo import CannotUndo, removal_undo


@require_POST
def undo(request: AuthedRequest, removal_pk: int) -> HttpResponse:
    """Bring back what was removed, within the window, on the page it was removed from."""
    removal = get_owned_or_404(Removal, request.user, pk=removal_pk)
    if not removal.can_be_undone(timezone.now()):
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        messages.error(
            request,
            _("This can no longer be undone: it was more than %(minutes)d minutes ago.")
            % {"minutes": minutes},
        )
    else:
        try:
            removal_undo(removal=removal)
        except CannotUndo:
            messages.error(
                request, _("This can no longer be undone: something has changed in its place.")
            )
        else:
            messages.success(request, _("Undone: it is back as it was."))
    return redirect(removal.back)
