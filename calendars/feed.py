"""The calendar feed's content (RFC 5545): every date as an all-day event, yearly where it
repeats, every open follow-up on its "ask about this on" day, and if chosen the day you met
each person. Each event links to the person's page."""

import datetime
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from calendars.models import CalendarFeed
from contacts.models import Person, PersonDate
from conversations.models import Story

# A date without a year starts in a leap year, so that 29 February is a real first day.
YEARLESS_START = 2000
ONE_DAY = datetime.timedelta(days=1)
# The years around now whose occurrence of a yearly date says its count ("Helga turns 61"),
# from last year to two years ahead: a calendar app reads the feed again long before they
# run out, and the ones beyond say what the date is without a count.
COUNTED_YEARS = range(-1, 3)

Title = Callable[[int | None], str]


def _date_title(date: PersonDate) -> Title:
    """What a date's event is called, with the years it counts when they are known: "Helga
    turns 61", "Helga's birthday"; "Tom: Wedding anniversary with Max, 10 years"."""
    name, label = date.person.name, date.label

    def title(years: int | None) -> str:
        if date.kind == PersonDate.Kind.BIRTHDAY:
            if years:
                return _("%(name)s turns %(years)d") % {"name": name, "years": years}
            return _("%(name)s's birthday") % {"name": name}
        if date.kind == PersonDate.Kind.ANNIVERSARY and not label:
            if years:
                return ngettext(
                    "%(name)s's anniversary: %(years)d year",
                    "%(name)s's anniversary: %(years)d years",
                    years,
                ) % {"name": name, "years": years}
            return _("%(name)s's anniversary") % {"name": name}
        if years:
            return ngettext(
                "%(name)s: %(label)s, %(years)d year",
                "%(name)s: %(label)s, %(years)d years",
                years,
            ) % {"name": name, "label": label, "years": years}
        return _("%(name)s: %(label)s") % {"name": name, "label": label}

    return title


def _met_title(person: Person) -> Title:
    def title(years: int | None) -> str:
        if years:
            return ngettext(
                "%(years)d year since you met %(name)s",
                "%(years)d years since you met %(name)s",
                years,
            ) % {"name": person.name, "years": years}
        return _("The day you met %(name)s") % {"name": person.name}

    return title


class _Feed:
    """The calendar being written: every event with its uid, its stamp and a link back."""

    def __init__(self, feed: CalendarFeed) -> None:
        self.domain = urlsplit(settings.SITE_URL).hostname or "knotwork"
        self.stamp = timezone.now()
        self.today = timezone.localdate()
        self.calendar = Calendar()
        self.calendar.add("prodid", "-//Knotwork//Dates and follow-ups//EN")
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("x-wr-calname", _("Knotwork: dates and follow-ups"))

    def event(self, uid: str, day: datetime.date, summary: str, person: Person) -> Event:
        """An all-day event: a DATE, not a time, so no time zone can move it to another day."""
        event = Event()
        event.add("uid", f"{uid}@{self.domain}")
        event.add("dtstamp", self.stamp)
        event.add("dtstart", day)
        event.add("dtend", day + ONE_DAY)
        event.add("summary", summary)
        event.add("url", settings.SITE_URL + person.get_absolute_url())
        event.add("transp", "TRANSPARENT")
        self.calendar.add_component(event)
        return event

    def yearly(self, uid: str, date: PersonDate, title: Title, person: Person) -> None:
        """A date every year from its first day (or once), titled without a count; with its
        year known, this year's and the next occurrences carry their own title with the count,
        as RFC 5545 overrides one occurrence of a series (RECURRENCE-ID)."""
        first = date.next_on(datetime.date(date.year or YEARLESS_START, 1, 1))
        assert first is not None  # noqa: S101 -- from 1 January of its own year
        event = self.event(uid, first, title(None), person)
        if not date.repeats:
            return
        rule: dict[str, object] = {"freq": "yearly"}
        if (date.month, date.day) == (2, 29):
            rule |= {"bymonth": 2, "bymonthday": -1}  # the 28th in other years
        event.add("rrule", rule)
        for year in (self.today.year + offset for offset in COUNTED_YEARS):
            on = date.next_on(datetime.date(year, 1, 1))
            years = date.years_on(on) if on else None
            if on is not None and years:
                counted = self.event(uid, on, title(years), person)
                counted.add("recurrence-id", on)


def calendar_feed(*, feed: CalendarFeed) -> bytes:
    """The feed, in the user's language. Texts are minimal (a name and what the date is)
    unless the user chose to include the stories of their follow-ups."""
    user = feed.owner
    with translation.override(user.language), timezone.override(user.time_zone):
        out = _Feed(feed)
        dates = PersonDate.objects.for_user(user).filter(person__archived=False)
        for date in dates.select_related("person").order_by("pk"):
            out.yearly(f"date-{date.pk}", date, _date_title(date), date.person)
        if feed.with_met_days:
            met = Person.objects.for_user(user).filter(archived=False, met_on__isnull=False)
            for person in met.order_by("pk"):
                assert person.met_on is not None  # noqa: S101 -- filtered on it
                met_on = person.met_on
                day = PersonDate(month=met_on.month, day=met_on.day, year=met_on.year)
                out.yearly(f"met-{person.pk}", day, _met_title(person), person)
        follow_ups = Story.objects.for_user(user).open_follow_ups().filter(person__archived=False)
        for story in follow_ups.select_related("person").order_by("pk"):
            assert story.ask_on is not None  # noqa: S101 -- an open follow-up has its day
            summary = _("Ask %(name)s how it went") % {"name": story.person.name}
            event = out.event(f"follow-up-{story.pk}", story.ask_on, summary, story.person)
            if feed.with_stories:
                event.add("description", story.text)
    content: bytes = out.calendar.to_ical()
    return content
