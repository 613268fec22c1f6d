from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from rotesnetz.markup import plain_text

register = template.Library()


@register.filter
def preview(text: str, limit: int = 100) -> str:
    """A message's text as one plain line (pins, reply quotes, search hits): its Markdown
    rendered and stripped, not shown as asterisks."""
    return plain_text(text or "", int(limit))


@register.filter
def last_activity(when) -> str:
    """ "Last message 5 minutes ago", or "just now" where timesince would say "0 minutes"."""
    if when is None:
        return _("No messages yet")
    if timezone.now() - when < timedelta(minutes=1):
        return _("Last message just now")
    return _("Last message %(when)s ago") % {"when": timesince(when)}
