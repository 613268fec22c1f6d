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
