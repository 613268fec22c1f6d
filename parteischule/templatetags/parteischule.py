from django import template
from django.utils.safestring import mark_safe

from rotesnetz.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Safe Markdown through the core's sanitiser (raw HTML never passes)."""
    # nh3 sanitised the HTML (allowlist of tags, attributes and URL schemes) just before.
    return mark_safe(render_markdown(text or ""))  # noqa: S308  # nosec B308 B703
