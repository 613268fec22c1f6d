from django import template
from django.utils.safestring import mark_safe

from rotesnetz.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Safe Markdown through the core's sanitiser (raw HTML never passes)."""
    # nh3 sanitised the HTML (allowlist of tags, attributes and URL schemes) just before.
    return mark_safe(render_markdown(text or ""))  # noqa: S308  # nosec B308 B703


@register.filter
def may_lead_courses(user) -> bool:
    """Whether "Lead courses" leads anywhere for this person (the page answers 403 otherwise)."""
    from parteischule import selectors

    if not user.is_authenticated:
        return False
    return user.has_perm("parteischule.add_course") or selectors.led_courses(user=user).exists()
