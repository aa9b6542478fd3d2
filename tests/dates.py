"""The moment tests freeze time at, and days counted back from it."""

import datetime

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)
