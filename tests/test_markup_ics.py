from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rotesnetz import ics
from rotesnetz.markup import mentioned_names, plain_text, render_markdown

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klick](javascript:alert(1))",
        '<a href="https://x" onclick="alert(1)">x</a>',
        "<iframe src=https://evil></iframe>",
        '<span class="mention">fake</span>',
        "![bild](https://evil/x.png)",
        'https://x.org/"onmouseover="alert(1)',
        "https://x.org/'onmouseover='alert(1)'",
        "www.example.org<script>alert(1)</script>",
        "https://x.org/<img src=x onerror=alert(1)>",
        "javascript:alert(1) javascript://x.org/%0aalert(1) data:text/html,<b>x</b>",
    ],
)
def test_render_markdown_never_lets_markup_through(payload):
    tags = _tags(render_markdown(payload))

    assert {tag for tag, _ in tags} <= {"p", "a", "strong", "em", "code"}
    for _tag, attrs in tags:
        assert all(not name.startswith("on") for name, _ in attrs)
        assert all(value.startswith(("https:", "http:")) for name, value in attrs if name == "href")
        assert ("class", "mention") not in attrs


def _tags(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_render_markdown_supports_the_small_subset():
    html = render_markdown("**fett** _kursiv_ [Link](https://spd.de)\n\n- eins\n\n> Zitat\n\n`x`")

    assert "<strong>fett</strong>" in html
    assert "<em>kursiv</em>" in html
    assert '<a href="https://spd.de" rel="nofollow noopener noreferrer">Link</a>' in html
    assert "<li>eins</li>" in html
    assert "<blockquote>" in html
    assert "<code>x</code>" in html


def test_mentions_become_badges_only_for_known_names():
    html = render_markdown("Hallo @**Maria M** und @**Niemand**", mentions={"Maria M"})

    assert '<span class="mention">@Maria M</span>' in html
    assert "@<strong>Niemand</strong>" in html
    assert mentioned_names("@**Maria M** @**Karl**") == {"Maria M", "Karl"}


def _link(href: str, label: str | None = None) -> str:
    return f'<a href="{href}" rel="nofollow noopener noreferrer">{label or href}</a>'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Details: https://www.spd.de/termine",
            "Details: " + _link("https://www.spd.de/termine"),
        ),
        ("http://spd.de/a?b=1&c=2#d", _link("http://spd.de/a?b=1&amp;c=2#d")),
        ("Https://spd.de", _link("https://spd.de", "Https://spd.de")),
        (
            "Siehe www.spd.de/termine",
            "Siehe " + _link("https://www.spd.de/termine", "www.spd.de/termine"),
        ),
        (
            "https://de.wikipedia.org/wiki/Rot_(Farbe)",
            _link("https://de.wikipedia.org/wiki/Rot_(Farbe)"),
        ),
        ("https://youtu.be/x?v=_ab_c", _link("https://youtu.be/x?v=_ab_c")),
        ("**https://spd.de**", "<strong>" + _link("https://spd.de") + "</strong>"),
        ("_www.spd.de_", "<em>" + _link("https://www.spd.de", "www.spd.de") + "</em>"),
        ("https://münchen.de", _link("https://xn--mnchen-3ya.de", "https://münchen.de")),
    ],
)
def test_render_markdown_links_bare_addresses(text, expected):
    assert render_markdown(text) == f"<p>{expected}</p>\n"


@pytest.mark.parametrize("after", [".", ",", "!", "?", ":", ";", ")", "“", "”", "'", "...", ")."])
def test_render_markdown_keeps_trailing_punctuation_out_of_links(after):
    html = render_markdown(f"Siehe https://spd.de/a{after} und www.spd.de/b{after}")

    assert html == (
        f"<p>Siehe {_link('https://spd.de/a')}{after} und "
        f"{_link('https://www.spd.de/b', 'www.spd.de/b')}{after}</p>\n"
    )


def test_render_markdown_links_addresses_in_german_quotes_and_brackets():
    html = render_markdown("„https://spd.de/a“ (siehe https://spd.de/b) [https://spd.de/c]")

    assert html == (
        f"<p>„{_link('https://spd.de/a')}“ (siehe {_link('https://spd.de/b')}) "
        f"[{_link('https://spd.de/c')}]</p>\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "xhttps://spd.de",
        "kontakt@www.spd.de",
        "www.spd",
        "https://",
        "https:// spd.de",
        "ftp://spd.de",
        "javascript:alert(1)",
        "data:text/html,x",
    ],
)
def test_render_markdown_leaves_non_addresses_alone(text):
    assert render_markdown(text) == f"<p>{text}</p>\n"


def test_render_markdown_never_links_inside_code():
    html = render_markdown(
        "`https://spd.de` und `www.spd.de`\n\n```\nhttps://spd.de\n```\n\n    www.spd.de"
    )

    assert html == (
        "<p><code>https://spd.de</code> und <code>www.spd.de</code></p>\n"
        "<pre><code>https://spd.de\n</code></pre>\n"
        "<pre><code>www.spd.de\n</code></pre>\n"
    )


def test_render_markdown_never_links_inside_a_markdown_link():
    html = render_markdown(
        "[https://a.de](https://b.de) [siehe www.c.de](https://d.de) [e https://f.de/(g)](https://h.de)"
    )

    assert html == (
        f"<p>{_link('https://b.de', 'https://a.de')} {_link('https://d.de', 'siehe www.c.de')} "
        f"{_link('https://h.de', 'e https://f.de/(g)')}</p>\n"
    )


def test_render_markdown_keeps_attacks_on_bare_links_inert():
    quoted = render_markdown('https://x.org/"onmouseover="alert(1)')
    tagged = render_markdown("www.example.org<script>alert(1)</script>")

    assert quoted == f'<p>{_link("https://x.org/")}"onmouseover="alert(1)</p>\n'
    assert tagged == (
        f"<p>{_link('https://www.example.org', 'www.example.org')}"
        "&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_render_markdown_links_next_to_mentions():
    html = render_markdown("@**Maria M** schau: https://spd.de/termine!", mentions={"Maria M"})

    assert html == (
        f'<p><span class="mention">@Maria M</span> schau: {_link("https://spd.de/termine")}!</p>\n'
    )


def test_plain_text_keeps_bare_addresses_as_written():
    assert plain_text("Details: https://www.spd.de/termine. Oder www.spd.de") == (
        "Details: https://www.spd.de/termine. Oder www.spd.de"
    )


def test_plain_text_strips_and_shortens():
    assert plain_text("**fett** <b>x</b>") == "fett <b>x</b>"
    assert plain_text("a " * 300, limit=10).endswith("…")


def test_ics_event_with_conference_and_folding():
    event = ics.Event(
        uid="konferenz-1@rotesnetz",
        start=datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN),  # the night the clocks change
        end=datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN),
        summary="Dialogtour: Mobilität; Bildung, Arbeit",
        description="Zeile 1\nZeile 2 " + "ä" * 80,
        sequence=2,
        conferences=[ics.Conference(uri="https://meet.example/abc", label="Video, Web")],
    )

    text = ics.calendar([event], method="REQUEST")
    unfolded = text.replace("\r\n ", "")

    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20260329T003000Z" in text
    assert "DTEND:20260329T013000Z" in text  # 03:30 CEST is 01:30 UTC
    assert "SUMMARY:Dialogtour: Mobilität\\; Bildung\\, Arbeit" in text
    assert "SEQUENCE:2" in text
    assert (
        'CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL="Video, Web":https://meet.example/abc'
        in unfolded
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
