"""Dates as people write them in each language: "Freitag, 27. November 2026, 19:00 Uhr" and
"Friday, 27 November 2026, 19:00". The formats are translated strings, so the order, the
dot after the day and the German "Uhr" come from the catalogue, not from the template."""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.dateformat import time_format
from django.utils.translation import pgettext_lazy

register = template.Library()

_DATE_FORMATS = {
    "long_date": pgettext_lazy("date format", "l, j F Y"),
    "long_datetime": pgettext_lazy("date format", "l, j F Y, H:i"),
    "day_date": pgettext_lazy("date format", "j F Y"),
    "day_datetime": pgettext_lazy("date format", "j F Y, H:i"),
}
# A time of day with its unit where the language has one ("19:00 Uhr").
_CLOCK = pgettext_lazy("time format", "H:i")


def _date_filter(pattern):
    def apply(value) -> str:
        return format_date(value, str(pattern)) if value else ""

    return apply


for _name, _pattern in _DATE_FORMATS.items():
    register.filter(_name, _date_filter(_pattern), expects_localtime=True)


@register.filter(expects_localtime=True)
def clock(value) -> str:
    return time_format(value, str(_CLOCK)) if value else ""
