"""Dates as people say them: "yesterday", "3 weeks ago", "every 6 months", "on Friday"."""

import calendar
import datetime
import re
from dataclasses import dataclass

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


def day_phrase(on: datetime.date, today: datetime.date) -> str:
    """A coming day as people say it: "today", "tomorrow", "on Friday" within the week, else
    "on 15 March"."""
    days = (on - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if 1 < days < 7:
        return _("on %(weekday)s") % {"weekday": formats.date_format(on, "l")}
    if on.year != today.year and days > 300:
        return _("on %(date)s") % {"date": formats.date_format(on, "DATE_FORMAT")}
    return _("on %(date)s") % {"date": formats.date_format(on, "MONTH_DAY_FORMAT")}


def week_name(monday: datetime.date, this_monday: datetime.date) -> str:
    """A week as people name it: "This week", "Next week", "Week of 7 December"."""
    weeks = (monday - this_monday).days // 7
    if weeks == 0:
        return _("This week")
    if weeks == 1:
        return _("Next week")
    return _("Week of %(date)s") % {"date": formats.date_format(monday, "MONTH_DAY_FORMAT")}


# How phones and address books write a date: "--0315" and "--03-15" without a year (vCard 3.0
# and 4.0), "19710315", "1971-03-15", with a time after it ("1971-03-15T00:00:00Z"), and Apple's
# year 1604 for "no year".
DATE_TEXT = re.compile(
    r"^(?:--|(?P<year>\d{4})-?)(?P<month>\d{2})-?(?P<day>\d{2})(?:T[\d:.]*(?:Z|[+-][\d:]+)?)?$"
)
NO_YEAR_BEFORE = 1900


@dataclass(frozen=True)
class DayOfYear:
    """A day and month, and the year when it is known."""

    month: int
    day: int
    year: int | None = None


def read_date(text: str) -> DayOfYear | None:
    """A date as a vCard or a contacts CSV writes it, or None when the text is not one (a
    vCard 4.0 `VALUE=text` birthday like "circa 1800", or a day that does not exist). A year
    before 1900 is taken as none: Apple writes 1604 for a birthday without a year."""
    found = DATE_TEXT.match(text.strip())
    if not found:
        return None
    month, day = int(found["month"]), int(found["day"])
    year = int(found["year"]) if found["year"] else None
    if year is not None and year < NO_YEAR_BEFORE:
        year = None
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return None
    return DayOfYear(month, day, year)
