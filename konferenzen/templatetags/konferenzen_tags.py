from django import template
from django.utils.safestring import mark_safe

from rotesnetz.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Safe Markdown (markdown-it + nh3): raw HTML never passes."""
    # nh3 sanitised the HTML (allowlist of tags, attributes and URL schemes) just before.
    return mark_safe(render_markdown(text or ""))  # noqa: S308  # nosec B308 B703


@register.filter
def mail_status_class(status: str) -> str:
    return {
        "sent": "text-bg-success",
        "failed": "text-bg-danger",
        "queued": "text-bg-secondary",
        "sending": "text-bg-warning",
    }.get(status, "text-bg-light")
