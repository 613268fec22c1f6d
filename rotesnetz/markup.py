"""Safe Markdown for everything members and citizens write (rooms, ideas, questions, ...).

A small subset (bold, italics, links, lists, quotes, code) is rendered on the server and then
sanitised with nh3: raw HTML never passes, links get ``rel="nofollow noopener noreferrer"``.
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("zero", {"breaks": True, "html": False, "linkify": False}).enable(
    ["emphasis", "link", "list", "blockquote", "backticks", "fence", "code", "newline"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_CLASSES = {"span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION_PATTERN = re.compile(r"@\*\*([^*\n]{1,80})\*\*")


def render_markdown(text: str, *, mentions: set[str] | None = None) -> str:
    """Render ``text``; ``@**Name**`` for a name in ``mentions`` becomes a mention badge."""
    html = _md.render(text)
    if mentions:
        # After rendering, @**Name** has become @<strong>Name</strong> (the name escaped).
        html = re.sub(
            r"@<strong>([^<]{1,120})</strong>", lambda match: _mention(match, mentions), html
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def _mention(match: re.Match, mentions: set[str]) -> str:
    name = html_lib.unescape(match.group(1))
    if name in mentions:
        return f'<span class="mention">@{html_lib.escape(name)}</span>'
    return match.group(0)


def mentioned_names(text: str) -> set[str]:
    return {name.strip() for name in MENTION_PATTERN.findall(text)}


def plain_text(text: str, limit: int = 200) -> str:
    """A one-line plain-text preview (for notifications and mail subjects)."""
    stripped = html_lib.unescape(nh3.clean(_md.render(text), tags=set()))
    stripped = " ".join(stripped.split())
    return stripped if len(stripped) <= limit else stripped[: limit - 1] + "…"
