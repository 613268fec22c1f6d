"""Dates as each language writes them (rotesnetz/dates.py and its template filters)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

# 18:00 UTC is 19:00 in Berlin: the filters show local time.
WHEN = datetime.datetime(2026, 11, 27, 18, 0, tzinfo=datetime.UTC)
TEMPLATE = Template(
    "{% load dates %}{{ d|long_date }}|{{ d|long_datetime }}|{{ d|day_date }}|"
    "{{ d|day_datetime }}|{{ d|clock }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "de",
            "Freitag, 27. November 2026|Freitag, 27. November 2026, 19:00|27. November 2026|"
            "27. November 2026, 19:00|19:00 Uhr",
        ),
        (
            "en",
            "Friday, 27 November 2026|Friday, 27 November 2026, 19:00|27 November 2026|"
            "27 November 2026, 19:00|19:00",
        ),
    ],
)
def test_dates_in_each_language(language, expected):
    with translation.override(language):
        assert TEMPLATE.render(Context({"d": WHEN})) == expected


SHORT = Template(
    "{% load dates %}{{ d|short_datetime }}|{{ d|weekday_datetime }}|{{ d|weekday_daytime }}|"
    "{{ d|day_month }}|{{ d|numeric_datetime }}|{{ d|numeric_daytime }}|"
    "{{ d|numeric_day_month }}|{{ d|weekday_numeric_datetime }}|{{ d|long_daytime }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "de",
            "27. Nov. 2026, 19:00|Fr, 27. Nov. 2026, 19:00|Fr, 27. Nov., 19:00|27. Nov.|"
            "27.11.2026 19:00|27.11. 19:00|27.11.|Fr 27.11.2026 19:00|Freitag, 27. November, 19:00",
        ),
        (
            "en",
            "27 Nov. 2026, 19:00|Fri, 27 Nov. 2026, 19:00|Fri, 27 Nov., 19:00|27 Nov.|"
            "27/11/2026 19:00|27/11 19:00|27/11|Fri 27/11/2026 19:00|Friday, 27 November, 19:00",
        ),
    ],
)
def test_short_and_numeric_dates_in_each_language(language, expected):
    with translation.override(language):
        assert SHORT.render(Context({"d": WHEN})) == expected


def test_python_code_formats_in_local_time():
    from rotesnetz.dates import format_clock, format_moment

    with translation.override("de"):
        assert format_moment(WHEN, "numeric_datetime") == "27.11.2026 19:00"
        assert format_moment(WHEN.date(), "numeric_date") == "27.11.2026"
        assert format_clock(WHEN) == "19:00 Uhr"
        assert format_moment(None, "numeric_date") == ""
