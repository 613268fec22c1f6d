"""The export's overview page: the same data as the JSON files, readable in any browser.

Members who are not programmers open ``uebersicht.html`` instead of reading JSON. Every value
is escaped (it holds what people typed); nested data becomes nested tables and lists. A row
shows a readable label for its key (``labels.py``) and the key itself, small, as the JSON files
name it; a stored choice code (``coded.py``) shows the same way, its label next to the code.
Nothing (``None``, an empty text, an empty list) shows as a dash.
"""

from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rotesnetz.dates import format_moment

from .coded import Coded
from .labels import label_for

# Deeper than any part's data; a guard against a cycle rendering forever.
_MAX_DEPTH = 12


def _labelled(label: str, raw: str) -> SafeString:
    """A readable name and, small, what the JSON files say, where the two differ."""
    if label == raw:
        return escape(label)
    return format_html('{} <small class="key"><code>{}</code></small>', label, raw)


def _key(key) -> SafeString:
    """The row heading: the label, and the raw key where it differs."""
    return _labelled(str(label_for(key)), str(key))


def _value(value, depth: int = 0) -> SafeString:
    if depth > _MAX_DEPTH:
        return escape("…")
    if isinstance(value, dict):
        if not value:
            return escape("–")
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            ((_key(key), _value(item, depth + 1)) for key, item in value.items()),
        )
        return format_html('<table class="data">{}</table>', rows)
    if isinstance(value, list | tuple):
        if not value:
            return escape("–")
        items = format_html_join("", "<li>{}</li>", ((_value(item, depth + 1),) for item in value))
        return format_html("<ol>{}</ol>", items)
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if value is None or (isinstance(value, str) and not value.strip()):
        # Nothing stored, or an empty text: the same dash, not a blank cell.
        return escape("–")
    if isinstance(value, datetime):
        return escape(format_moment(value, "numeric_datetime"))
    if isinstance(value, date):
        return escape(format_moment(value, "numeric_date"))
    if isinstance(value, Coded):
        # A stored choice: its label in the member's language, and the code.
        return _labelled(str(value.label), str(value))
    return escape(str(value))


def overview_html(*, parts: list[tuple[str, str, object]], platform: str, generated_at) -> str:
    """``parts``: (file name, label, data) for each part of the platform."""
    sections = [
        {"name": name, "label": label, "html": mark_safe(_value(data))}  # noqa: S308  # nosec B308 B703 - built from escaped pieces
        for name, label, data in parts
    ]
    return render_to_string(
        "privacy/export_overview.html",
        {"sections": sections, "platform": platform, "generated_at": generated_at},
    )
