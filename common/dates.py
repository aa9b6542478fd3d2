"""Dates as people say them: "yesterday", "3 weeks ago", "every 6 months", "on Friday". The one
place that turns a date or a moment into words for people; tests/test_date_forms.py keeps it so."""

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Literal

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

type Form = Literal["full", "day_month", "short_day", "weekday"]

# Each language's forms, chosen here rather than taken from Django's locale settings: English's
# DATE_FORMAT is "N j, Y" ("Oct. 28, 2026") and its MONTH_DAY_FORMAT "F j", month first, beside
# sentences that put the day first ("on 15 March"). German's short month is Django's "N", which
# leaves "März", "Mai" and "Juni" whole and gives the rest a period, as Duden writes them.
FORMS: dict[str, dict[Form, str]] = {
    "en": {"full": "j F Y", "day_month": "j F", "short_day": "D j M", "weekday": "l"},
    "de": {"full": "j. F Y", "day_month": "j. F", "short_day": "D., j. N", "weekday": "l"},
}


def date_form(value: datetime.date, form: Form) -> str:
    """A date in one of the named forms of the active language (English for any other); a
    moment by its day in the user's time zone."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    language = (translation.get_language() or "en").split("-")[0]
    return dateformat.format(value, FORMS.get(language, FORMS["en"])[form])


def full_date(value: datetime.date) -> str:
    """A date in full: "28 October 2026", "28. Oktober 2026"."""
    return date_form(value, "full")


def day_month(value: datetime.date) -> str:
    """A day and month, for a day within the year: "28 October", "28. Oktober"."""
    return date_form(value, "day_month")


def short_day(value: datetime.date) -> str:
    """A day in a list or an email, with its weekday: "Tue 8 Dec", "Di., 8. Dez."."""
    return date_form(value, "short_day")


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
        "date": full_date(value),
    }


MINUTE, HOUR = 60, 3600


def moment(value: datetime.datetime) -> str:
    """When something happened, to the minute where that matters: "just now" within a minute
    (a clock a little ahead too), "5 minutes ago", "3 hours ago" the same day, then as
    `relative_date` says a day ("yesterday", "4 days ago"), in the user's time zone."""
    seconds = (timezone.now() - value).total_seconds()
    if seconds < MINUTE:
        return _("just now")
    if seconds < HOUR:
        minutes = int(seconds // MINUTE)
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", minutes) % {"n": minutes}
    day = timezone.localdate(value)
    if day == timezone.localdate():
        hours = int(seconds // HOUR)
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    return relative_date(day)


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
        return _("on %(weekday)s") % {"weekday": date_form(on, "weekday")}
    if on.year != today.year and days > 300:
        return _("on %(date)s") % {"date": full_date(on)}
    return _("on %(date)s") % {"date": day_month(on)}


def week_name(monday: datetime.date, this_monday: datetime.date) -> str:
    """A week as people name it: "This week", "Next week", "Week of 7 December"."""
    weeks = (monday - this_monday).days // 7
    if weeks == 0:
        return _("This week")
    if weeks == 1:
        return _("Next week")
    return _("Week of %(date)s") % {"date": day_month(monday)}


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
