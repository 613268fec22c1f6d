from django import template

from rotesnetz.markup import plain_text

register = template.Library()


@register.filter
def preview(text: str, limit: int = 100) -> str:
    """A message's text as one plain line (pins, reply quotes, search hits): its Markdown
    rendered and stripped, not shown as asterisks."""
    return plain_text(text or "", int(limit))
