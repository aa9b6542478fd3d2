"""The calendar feed's content (RFC 5545): every date as an all-day event, yearly where it
repeats, and every open follow-up on its "ask about this on" day."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from calendars.models import CalendarFeed
from contacts.models import PersonDate
from conversations.models import Story

# A date without a year starts in a leap year, so that 29 February is a real first day.
YEARLESS_START = 2000
ONE_DAY = datetime.timedelta(days=1)


def _summary(date: PersonDate) -> str:
    name = date.person.name
    if date.kind == PersonDate.Kind.BIRTHDAY:
        return _("%(name)s's birthday") % {"name": name}
    if date.kind == PersonDate.Kind.ANNIVERSARY:
        return _("%(name)s's anniversary") % {"name": name}
    return _("%(name)s: %(label)s") % {"name": name, "label": date.label}


def _all_day(uid: str, day: datetime.date, summary: str, stamp: datetime.datetime) -> Event:
    """An all-day event: a DATE, not a time, so no time zone can move it to another day."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + ONE_DAY)
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    return event


def calendar_feed(*, feed: CalendarFeed) -> bytes:
    """The feed, in the user's language. Texts are minimal (a name and what the date is)
    unless the user chose to include the stories of their follow-ups."""
    user = feed.owner
    domain = urlsplit(settings.SITE_URL).hostname or "knotwork"
    stamp = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Knotwork//Dates and follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with translation.override(user.language):
        calendar.add("x-wr-calname", _("Knotwork: dates and follow-ups"))
        dates = PersonDate.objects.for_user(user).filter(person__archived=False)
        for date in dates.select_related("person").order_by("pk"):
            start = date.next_on(datetime.date(date.year or YEARLESS_START, 1, 1))
            assert start is not None  # noqa: S101 -- from 1 January of its own year
            event = _all_day(f"date-{date.pk}@{domain}", start, _summary(date), stamp)
            if date.repeats:
                rule: dict[str, object] = {"freq": "yearly"}
                if (date.month, date.day) == (2, 29):
                    rule |= {"bymonth": 2, "bymonthday": -1}  # the 28th in other years
                event.add("rrule", rule)
            calendar.add_component(event)
        follow_ups = Story.objects.for_user(user).open_follow_ups().filter(person__archived=False)
        for story in follow_ups.select_related("person").order_by("pk"):
            assert story.ask_on is not None  # noqa: S101 -- an open follow-up has its day
            summary = _("Ask %(name)s how it went") % {"name": story.person.name}
            event = _all_day(f"follow-up-{story.pk}@{domain}", story.ask_on, summary, stamp)
            if feed.with_stories:
                event.add("description", story.text)
            calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content
