"""Times in Europe/Berlin: the Monday-before rule, N days before, across daylight saving."""

from datetime import UTC, datetime

import pytest

from konferenzen.enums import DialInTiming
from konferenzen.forms import LocalDateTimeField
from konferenzen.scheduling import berlin, briefing_send_at, dial_in_send_at


def _berlin(*args) -> datetime:
    return datetime(*args, tzinfo=berlin())


def test_dial_in_default_is_monday_before_at_nine_for_a_wednesday_conference():
    wednesday = _berlin(2026, 12, 2, 19, 0)

    send_at = dial_in_send_at(starts_at=wednesday, timing=DialInTiming.MONDAY_BEFORE)

    assert send_at == _berlin(2026, 11, 30, 9, 0)


def test_dial_in_for_a_monday_conference_goes_out_a_week_before():
    monday = _berlin(2026, 12, 7, 18, 0)

    send_at = dial_in_send_at(starts_at=monday, timing=DialInTiming.MONDAY_BEFORE)

    assert send_at == _berlin(2026, 11, 30, 9, 0)


def test_dial_in_monday_before_stays_nine_oclock_across_the_end_of_summer_time():
    # Summer time ends on Sunday 25 October 2026; the Monday before is still in summer time.
    conference = _berlin(2026, 10, 28, 19, 0)  # CET, UTC+1
    send_at = dial_in_send_at(starts_at=conference, timing=DialInTiming.MONDAY_BEFORE)
    assert send_at == _berlin(2026, 10, 26, 9, 0)
    assert send_at.astimezone(UTC).hour == 8

    sunday = _berlin(2026, 10, 25, 19, 0)
    send_at = dial_in_send_at(starts_at=sunday, timing=DialInTiming.MONDAY_BEFORE)
    assert send_at == _berlin(2026, 10, 19, 9, 0)
    assert send_at.astimezone(UTC).hour == 7  # CEST, UTC+2


def test_dial_in_n_days_before_at_nine_across_the_start_of_summer_time():
    # Summer time starts on Sunday 29 March 2026.
    conference = _berlin(2026, 3, 30, 19, 0)

    send_at = dial_in_send_at(starts_at=conference, timing=DialInTiming.DAYS_BEFORE, days_before=3)

    assert send_at == _berlin(2026, 3, 27, 9, 0)
    assert send_at.astimezone(UTC).hour == 8


def test_dial_in_custom_time_is_taken_as_given():
    custom = _berlin(2026, 11, 1, 12, 30)

    send_at = dial_in_send_at(
        starts_at=_berlin(2026, 11, 4, 19, 0), timing=DialInTiming.CUSTOM, custom_at=custom
    )

    assert send_at == custom


def test_briefing_goes_out_the_day_before_at_nine():
    assert briefing_send_at(_berlin(2026, 12, 2, 19, 0)) == _berlin(2026, 12, 1, 9, 0)


@pytest.mark.parametrize(
    ("entered", "utc_hour"),
    [("2026-07-01T19:00", 17), ("2026-12-02T19:00", 18), ("2026-10-25T19:00", 18)],
)
def test_form_reads_wall_clock_time_in_berlin(entered, utc_hour):
    value = LocalDateTimeField().clean(entered)

    assert value.astimezone(UTC).hour == utc_hour
    assert value.astimezone(berlin()).hour == 19


def test_form_refuses_a_time_that_does_not_exist_on_the_day_clocks_go_forward():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        LocalDateTimeField().clean("2026-03-29T02:30")

    assert "Europe/Berlin" in error.value.messages[0]
