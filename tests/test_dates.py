"""Dates as each language writes them (rotesnetz/members/templatetags/dates.py)."""

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
