"""Validators shared by every app's forms."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(1900, 1, 1)


def validate_plausible_date(value: datetime.date) -> None:
    """A date must lie between 1900 and today: we record what happened, not what will."""
    if value < EARLIEST_DATE:
        raise ValidationError(_("Please enter a date after 1900."))
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."))
