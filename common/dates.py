"""Dates as people say them: "yesterday", "3 weeks ago", "every 6 months"."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def time_ago(days: int) -> str:
    """A coarse "how long ago", as a person would say it."""
    if days < 7:
        return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    if days < 60:
        return ngettext("%(n)d week ago", "%(n)d weeks ago", days // 7) % {"n": days // 7}
    if days < 730:
        return ngettext("%(n)d month ago", "%(n)d months ago", days // 30) % {"n": days // 30}
    return ngettext("%(n)d year ago", "%(n)d years ago", days // 365) % {"n": days // 365}


def relative_date(value: datetime.date | None) -> str:
    """A past date in words, with the date itself once it is more than a few days back."""
    if value is None:
        return ""
    days = (timezone.localdate() - value).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if days < 7:
        return time_ago(days)
    return _("%(ago)s (%(date)s)") % {
        "ago": time_ago(days),
        "date": formats.date_format(value, "DATE_FORMAT"),
    }


def cadence(value: datetime.timedelta) -> str:
    """A keep-in-touch rhythm in the largest whole unit: "3 weeks", "6 months"."""
    days = value.days
    if days % 30 == 0:
        return ngettext("month", "%(n)d months", days // 30) % {"n": days // 30}
    if days % 7 == 0:
        return ngettext("week", "%(n)d weeks", days // 7) % {"n": days // 7}
    return ngettext("day", "%(n)d days", days) % {"n": days}
