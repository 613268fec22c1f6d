"""Safe Markdown for everything members and citizens write (rooms, ideas, questions, ...).

A small subset (bold, italics, links, lists, quotes, code) is rendered on the server and then
sanitised with nh3: raw HTML never passes, links get ``rel="nofollow noopener noreferrer"``.
Bare ``http(s)://`` and ``www.`` addresses become links too, as in every chat product.
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# markdown-it's own ``linkify`` option needs linkify-it-py, which is not among our dependencies;
# the two small rules below (shaped like markdown-it's own) link bare addresses instead.
# Everything they produce is an ordinary link token, so it is escaped by the renderer and
# sanitised by nh3 like a Markdown link.

# An address is not glued to a word or an e-mail address ("xhttps://", "a@www.x.de" stay text);
# "_" may come before it ("_www.spd.de_" is italics).
_NOT_GLUED = r"(?<![^\W_])(?<![@./:+-])"
_SCHEME_BEFORE = re.compile(_NOT_GLUED + r"(https?)$", re.IGNORECASE)
# "www." and a host with at least one more dot ("www.spd" stays text).
_WWW = re.compile(_NOT_GLUED + r"www\.(?=[^\W_][\w-]*\.[^\W_])", re.IGNORECASE)
# An address starts with a letter or digit and runs to whitespace, a control character, an
# angle bracket, a straight or typographic quote or a backtick (so `"onmouseover=` never joins).
_URL_BODY = re.compile(r"[^\W_][^\s\x00-\x1f\x7f<>\"`“”„‘’‚«»]*")
# Punctuation that ends a sentence rather than the address: "Siehe https://spd.de/a."
_TRAILING = ".,:;!?'"


def _url_end(src: str, start: int, limit: int, before: str) -> int:
    """End of the address whose host starts at ``start``; ``start`` itself if there is none.

    A closing bracket without its opener ends the address ("(siehe https://spd.de/a)"), while
    "https://de.wikipedia.org/wiki/Rot_(Farbe)" stays whole. Trailing ``*``/``_`` are dropped
    only when the address follows the same character, so "**https://spd.de**" is bold and
    "https://youtu.be/abc_" keeps its underscore.
    """
    match = _URL_BODY.match(src, start, limit)
    if match is None:
        return start
    end = match.end()
    if ")" in src[start:end] or "]" in src[start:end]:
        depth = {"(": 0, "[": 0}
        for index in range(start, end):
            char = src[index]
            if char in depth:
                depth[char] += 1
            elif char in ")]":
                opener = "(" if char == ")" else "["
                if not depth[opener]:
                    end = index
                    break
                depth[opener] -= 1
    trailing = _TRAILING + before if before in ("*", "_") else _TRAILING
    while end > start and src[end - 1] in trailing:
        end -= 1
    return end


def _link_scheme_url(state: StateInline, silent: bool) -> bool:
    """Inline rule at the ":" of "https://": the address is taken whole before emphasis could
    split it (a YouTube id like "_ab_c" stays in the link)."""
    pos = state.pos
    if state.src[pos] != ":" or state.linkLevel > 0 or state.src[pos + 1 : pos + 3] != "//":
        return False
    # Searching only the end of the pending text keeps a long text with many "://" linear.
    match = _SCHEME_BEFORE.search(state.pending, max(0, len(state.pending) - 5))
    if match is None:
        return False
    scheme = match.group(1)
    start = pos - len(scheme)
    before = state.src[start - 1] if start else ""
    end = _url_end(state.src, pos + 3, state.posMax, before)
    if end == pos + 3:
        return False
    href = state.md.normalizeLink(scheme.lower() + state.src[pos:end])
    if not state.md.validateLink(href):
        return False
    if not silent:
        state.pending = state.pending[: -len(scheme)]
        token = state.push("link_open", "a", 1)
        token.attrs, token.markup, token.info = {"href": href}, "linkify", "auto"
        state.push("text", "", 0).content = state.src[start:end]
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos = end
    return True


def _link_www(state: StateCore) -> None:
    """Core rule for "www.spd.de" (there is no inline hook: "." does not end a text run).

    Runs on the parsed tokens, so code spans and blocks and the text of Markdown links are
    never touched. The price: emphasis markers inside such an address ("www.x.de/a*b*c") were
    already taken as emphasis; "https://" addresses do not have that problem."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or not _WWW.search(block.content):
            continue
        children: list[Token] = []
        link_level = 0
        for token in block.children:
            if token.type == "link_open":
                link_level += 1
            elif token.type == "link_close":
                link_level -= 1
            elif token.type == "text" and not link_level and _WWW.search(token.content):
                children.extend(_split_www(state, token))
                continue
            children.append(token)
        block.children = children


def _split_www(state: StateCore, token: Token) -> list[Token]:
    text = token.content
    parts: list[Token] = []
    done = 0
    for match in _WWW.finditer(text):
        start = match.start()
        if start < done:
            continue
        end = _url_end(text, match.end(), len(text), text[start - 1] if start else "")
        href = state.md.normalizeLink("https://" + text[start:end])
        if not state.md.validateLink(href):
            continue
        if start > done:
            parts.append(_text_token(text[done:start], token.level))
        parts.extend(_link_tokens(href, text[start:end], token.level))
        done = end
    if not parts:
        return [token]
    if done < len(text):
        parts.append(_text_token(text[done:], token.level))
    return parts


def _link_tokens(href: str, label: str, level: int) -> list[Token]:
    link_open = Token("link_open", "a", 1, attrs={"href": href}, markup="linkify", info="auto")
    link_close = Token("link_close", "a", -1, markup="linkify", info="auto")
    link_open.level = link_close.level = level
    return [link_open, _text_token(label, level + 1), link_close]


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


_md = MarkdownIt("zero", {"breaks": True, "html": False, "linkify": False}).enable(
    ["emphasis", "link", "list", "blockquote", "backticks", "fence", "code", "newline"]
)
_md.inline.ruler.after("text", "link_scheme_url", _link_scheme_url)
_md.core.ruler.after("inline", "link_www", _link_www)

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
