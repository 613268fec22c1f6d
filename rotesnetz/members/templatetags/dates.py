"""Dates as people write them in each language: "Freitag, 27. November 2026, 19:00 Uhr" and
"Friday, 27 November 2026, 19:00". The formats are translated strings, so the order, the
dot after the day and the German "Uhr" come from the catalogue, not from the template."""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.dateformat import time_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    return format_date(value, pgettext("date format", "l, j F Y")) if value else ""


@register.filter(expects_localtime=True)
def long_datetime(value) -> str:
    return format_date(value, pgettext("date format", "l, j F Y, H:i")) if value else ""


@register.filter(expects_localtime=True)
def day_date(value) -> str:
    return format_date(value, pgettext("date format", "j F Y")) if value else ""


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """A time of day with its unit where the language has one ("19:00 Uhr")."""
    return time_format(value, pgettext("time format", "H:i")) if value else ""


@register.filter(expects_localtime=True)
def day_datetime(value) -> str:
    return format_date(value, pgettext("date format", "j F Y, H:i")) if value else ""
