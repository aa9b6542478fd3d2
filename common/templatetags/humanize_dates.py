"""Template filters for dates as people say them; the wording itself is common/dates.py."""

from django import template

from common.dates import cadence, day_month, full_date, moment, relative_date, short_day

register = template.Library()
register.filter("relative_date", relative_date)
register.filter("cadence", cadence)
register.filter("full_date", full_date)
register.filter("day_month", day_month)
register.filter("short_day", short_day)
register.filter("moment", moment)
