"""Times of a conference in Europe/Berlin: when the dial-in mail goes out, reminders, briefing.

Everything is computed in local time and converted with zoneinfo, so "Monday, 9:00" stays
9:00 on the wall clock across a daylight-saving change.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .enums import DialInTiming

SEND_HOUR = time(9, 0)
REMINDER_BEFORE = timedelta(hours=1)


def berlin() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_at(day, at: time = SEND_HOUR) -> datetime:
    """An aware datetime for a wall-clock time on a day in Berlin."""
    return datetime.combine(day, at, tzinfo=berlin())


def dial_in_send_at(
    *, starts_at: datetime, timing: str, days_before: int = 3, custom_at: datetime | None = None
) -> datetime:
    start_day = starts_at.astimezone(berlin()).date()
    if timing == DialInTiming.CUSTOM and custom_at is not None:
        return custom_at
    if timing == DialInTiming.DAYS_BEFORE:
        return local_at(start_day - timedelta(days=days_before))
    # The Monday before: of the same week, or a week earlier for a conference on a Monday.
    back = start_day.weekday() or 7
    return local_at(start_day - timedelta(days=back))


def briefing_send_at(starts_at: datetime) -> datetime:
    """The day before, 9:00 Berlin time."""
    return local_at(starts_at.astimezone(berlin()).date() - timedelta(days=1))
