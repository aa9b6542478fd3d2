"""Template filters for dates as people say them; the wording itself is common/dates.py."""

from django import template

from common.dates import cadence, relative_date

register = template.Library()
register.filter("relative_date", relative_date)
register.filter("cadence", cadence)
