"""Dates as people write them in each language: "Freitag, 27. November 2026, 19:00 Uhr" and
"Friday, 27 November 2026, 19:00", "27.11.2026" and "27/11/2026". The formats are translated
strings, so the order, the dot after the day and the German "Uhr" come from the catalogue, not
from the code. Templates use them as filters (``{% load dates %}``)."""

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateformat import time_format
from django.utils.translation import pgettext_lazy

FORMATS = {
    "long_date": pgettext_lazy("date format", "l, j F Y"),
    "long_datetime": pgettext_lazy("date format", "l, j F Y, H:i"),
    "long_daytime": pgettext_lazy("date format", "l, j F, H:i"),
    "day_date": pgettext_lazy("date format", "j F Y"),
    "day_datetime": pgettext_lazy("date format", "j F Y, H:i"),
    # Abbreviated month ("27. Nov. 2026"), for lists and cards.
    "short_date": pgettext_lazy("date format", "j N Y"),
    "short_datetime": pgettext_lazy("date format", "j N Y, H:i"),
    "day_month": pgettext_lazy("date format", "j N"),
    "weekday_date": pgettext_lazy("date format", "D, j N Y"),
    "weekday_datetime": pgettext_lazy("date format", "D, j N Y, H:i"),
    "weekday_daytime": pgettext_lazy("date format", "D, j N, H:i"),
    # Digits only, for tables and mail subjects.
    "numeric_date": pgettext_lazy("date format", "d/m/Y"),
    "numeric_datetime": pgettext_lazy("date format", "d/m/Y H:i"),
    "numeric_daytime": pgettext_lazy("date format", "d/m H:i"),
    "numeric_daytime_seconds": pgettext_lazy("date format", "d/m H:i:s"),
    "numeric_day_month": pgettext_lazy("date format", "j/n"),
    "weekday_numeric_date": pgettext_lazy("date format", "D d/m/Y"),
    "weekday_numeric_datetime": pgettext_lazy("date format", "D d/m/Y H:i"),
    "weekday_numeric_daytime": pgettext_lazy("date format", "D d/m H:i"),
}
# A time of day with its unit where the language has one ("19:00 Uhr").
_CLOCK = pgettext_lazy("time format", "H:i")


def format_moment(value, name: str) -> str:
    """``value`` (a date, or a datetime shown in local time) in the named format of the
    active language."""
    if not value:
        return ""
    return format_date(_local(value), str(FORMATS[name]))


def format_clock(value) -> str:
    return time_format(_local(value), str(_CLOCK)) if value else ""


def _local(value):
    """A datetime in Europe/Berlin (the active time zone); dates and times as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value
