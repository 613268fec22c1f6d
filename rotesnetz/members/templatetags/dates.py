"""The date formats of rotesnetz/dates.py as template filters: ``{{ when|long_datetime }}``."""

from django import template

from rotesnetz.dates import FORMATS, format_clock, format_moment

register = template.Library()


def _date_filter(name):
    def apply(value) -> str:
        return format_moment(value, name)

    return apply


for _name in FORMATS:
    register.filter(_name, _date_filter(_name), expects_localtime=True)


register.filter("clock", format_clock, expects_localtime=True)
