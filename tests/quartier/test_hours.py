"""Opening hours as pure functions: overlaps and "open now / opens Tue 10:00" in Berlin."""

from datetime import date, datetime, time

from django.utils import translation

from quartier.clock import BERLIN
from quartier.hours import DayException, Interval, opening_status, overlap_message, overlaps

# 2026-06-02 is a Tuesday.
TUESDAY = date(2026, 6, 2)
WEEK = [
    Interval(1, time(10), time(13)),
    Interval(1, time(14), time(18)),
    Interval(3, time(14), time(19)),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def test_overlaps_finds_intervals_on_the_same_day_only():
    intervals = [
        Interval(0, time(10), time(13)),
        Interval(0, time(12), time(15)),
        Interval(1, time(12), time(15)),
    ]

    assert overlaps(intervals) == [(intervals[0], intervals[1])]


def test_overlaps_allows_touching_ends():
    assert overlaps([Interval(2, time(10), time(13)), Interval(2, time(13), time(16))]) == []


def test_overlap_message_is_german_with_the_weekday():
    with translation.override("de"):
        message = overlap_message(Interval(0, time(10), time(13)), Interval(0, time(12), time(15)))

    assert (
        message == "Die Öffnungszeiten am Montag überschneiden sich: 10:00–13:00 und 12:00–15:00."
    )


def test_status_is_open_inside_an_interval():
    status = opening_status(weekly=WEEK, exceptions=[], now=_at(TUESDAY, 11))

    assert status.is_open
    assert status.closes_at == _at(TUESDAY, 13)
    with translation.override("de"):
        assert status.label(now=_at(TUESDAY, 11)) == "Jetzt geöffnet bis 13:00 Uhr"


def test_status_in_the_lunch_break_opens_today():
    status = opening_status(weekly=WEEK, exceptions=[], now=_at(TUESDAY, 13, 30))

    assert not status.is_open
    assert status.next_opening == _at(TUESDAY, 14)
    with translation.override("de"):
        assert status.label(now=_at(TUESDAY, 13, 30)) == "Geschlossen – öffnet heute 14:00"


def test_status_after_closing_names_the_next_weekday():
    now = _at(TUESDAY, 18, 0)  # the end is exclusive
    status = opening_status(weekly=WEEK, exceptions=[], now=now)

    assert not status.is_open
    assert status.next_opening == _at(date(2026, 6, 4), 14)
    with translation.override("de"):
        assert status.label(now=now) == "Geschlossen – öffnet Do 14:00"


def test_status_tomorrow_and_next_week_labels():
    monday_evening = _at(date(2026, 6, 1), 20)
    thursday_evening = _at(date(2026, 6, 4), 20)
    with translation.override("de"):
        tomorrow = opening_status(weekly=WEEK, exceptions=[], now=monday_evening)
        next_week = opening_status(weekly=WEEK, exceptions=[], now=thursday_evening)

        assert tomorrow.label(now=monday_evening) == "Geschlossen – öffnet morgen 10:00"
        assert next_week.label(now=thursday_evening) == "Geschlossen – öffnet Di 10:00"


def test_a_closed_exception_skips_the_day_and_keeps_the_reason():
    exceptions = [DayException(TUESDAY, closed=True, reason="Betriebsausflug")]

    status = opening_status(weekly=WEEK, exceptions=exceptions, now=_at(TUESDAY, 11))

    assert not status.is_open
    assert status.next_opening == _at(date(2026, 6, 4), 14)
    assert status.closed_today_reason == "Betriebsausflug"


def test_special_hours_replace_the_weekly_hours():
    exceptions = [DayException(TUESDAY, closed=False, opens=time(16), closes=time(20))]

    status = opening_status(weekly=WEEK, exceptions=exceptions, now=_at(TUESDAY, 19))

    assert status.is_open
    assert status.closes_at == _at(TUESDAY, 20)


def test_status_without_any_hours_says_so():
    status = opening_status(weekly=[], exceptions=[], now=_at(TUESDAY, 11))

    assert status.next_opening is None
    with translation.override("de"):
        assert "keine Öffnungszeiten" in status.label(now=_at(TUESDAY, 11))


def test_status_is_computed_in_berlin_time_from_utc():
    from datetime import UTC

    # 09:30 UTC in summer is 11:30 in Berlin: open.
    now = datetime(2026, 6, 2, 9, 30, tzinfo=UTC)

    assert opening_status(weekly=WEEK, exceptions=[], now=now).is_open


def test_status_on_the_day_clocks_change():
    # 2026-03-29 is a Sunday with the change to summer time; opening Monday 10:00 CEST.
    week = [Interval(0, time(10), time(12))]
    now = datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN)

    status = opening_status(weekly=week, exceptions=[], now=now)

    assert status.next_opening.isoformat() == "2026-03-30T10:00:00+02:00"
