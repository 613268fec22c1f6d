"""Opening hours as pure functions: overlap checks and "open now / opens Tue 10:00".

Everything is computed in Europe/Berlin. The functions take plain tuples so that they work on
prefetched rows and on the rows of an unsaved admin formset alike.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from rotesnetz.dates import format_moment

from .clock import BERLIN

LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class Interval:
    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class DayException:
    day: date
    closed: bool
    opens: time | None = None
    closes: time | None = None
    reason: str = ""


def overlaps(intervals: list[Interval]) -> list[tuple[Interval, Interval]]:
    """Pairs of intervals on the same weekday that overlap (touching ends are fine)."""
    found = []
    by_day: dict[int, list[Interval]] = {}
    for interval in intervals:
        by_day.setdefault(interval.weekday, []).append(interval)
    for day_intervals in by_day.values():
        ordered = sorted(day_intervals, key=lambda item: (item.opens, item.closes))
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if later.opens < earlier.closes:
                found.append((earlier, later))
    return found


def overlap_message(first: Interval, second: Interval) -> str:
    return _("The hours on %(day)s overlap: %(a)s and %(b)s.") % {
        "day": WEEKDAYS[first.weekday],
        "a": f"{first.opens:%H:%M}–{first.closes:%H:%M}",
        "b": f"{second.opens:%H:%M}–{second.closes:%H:%M}",
    }


def _intervals_on(
    day: date, weekly: list[Interval], exceptions: dict[date, DayException]
) -> list[tuple[time, time]]:
    exception = exceptions.get(day)
    if exception is not None:
        if exception.closed or exception.opens is None or exception.closes is None:
            return []
        return [(exception.opens, exception.closes)]
    return sorted((i.opens, i.closes) for i in weekly if i.weekday == day.weekday())


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    closes_at: datetime | None = None
    next_opening: datetime | None = None
    closed_today_reason: str = ""

    def label(self, *, now: datetime) -> str:
        """ "Open now until 18:00" or "Opens Tue 10:00" (in the active language)."""
        if self.is_open and self.closes_at is not None:
            return _("Open now until %(time)s") % {"time": f"{self.closes_at:%H:%M}"}
        if self.next_opening is None:
            return _("Closed – no opening hours in the next two weeks")
        return _("Closed – opens %(when)s") % {"when": when_label(self.next_opening, now=now)}


def when_label(moment: datetime, *, now: datetime) -> str:
    """ "today 14:00", "tomorrow 10:00", "Tue 10:00", or "Tue 14.07. 10:00" further ahead."""
    moment = moment.astimezone(BERLIN)
    today = now.astimezone(BERLIN).date()
    clock = f"{moment:%H:%M}"
    if moment.date() == today:
        return _("today %(time)s") % {"time": clock}
    if moment.date() == today + timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": clock}
    day = WEEKDAYS_ABBR[moment.weekday()]
    if moment.date() < today + timedelta(days=7):
        return f"{day} {clock}"
    return f"{day} {format_moment(moment.date(), 'numeric_day_month')} {clock}"


def opening_status(
    *, weekly: list[Interval], exceptions: list[DayException], now: datetime
) -> OpeningStatus:
    local = now.astimezone(BERLIN)
    by_day = {exception.day: exception for exception in exceptions}
    today = local.date()
    reason = ""
    if today in by_day and by_day[today].closed:
        reason = by_day[today].reason
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        for opens, closes in _intervals_on(day, weekly, by_day):
            start = datetime.combine(day, opens, tzinfo=BERLIN)
            end = datetime.combine(day, closes, tzinfo=BERLIN)
            if start <= local < end:
                return OpeningStatus(is_open=True, closes_at=end)
            if start > local:
                return OpeningStatus(is_open=False, next_opening=start, closed_today_reason=reason)
    return OpeningStatus(is_open=False, closed_today_reason=reason)


def weekly_table(weekly: list[Interval]) -> list[dict]:
    """Monday to Sunday with their intervals, for the office page."""
    rows = []
    for number, name in WEEKDAYS.items():
        intervals = sorted((i.opens, i.closes) for i in weekly if i.weekday == number)
        rows.append(
            {
                "weekday": number,
                "name": name,
                "intervals": [f"{a:%H:%M}–{b:%H:%M}" for a, b in intervals],
            }
        )
    return rows


def schema_org_hours(weekly: list[Interval]) -> list[dict]:
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{names[i.weekday]}",
            "opens": f"{i.opens:%H:%M}",
            "closes": f"{i.closes:%H:%M}",
        }
        for i in sorted(weekly, key=lambda item: (item.weekday, item.opens))
    ]
