"""The briefing for the speakers: questions sent in ahead, grouped by topic, by support.

CSV for spreadsheets, and a small PDF for reading (one font, Latin-1 text, no extra package).
"""

import csv
import io
import textwrap
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rotesnetz.dates import format_moment

from .models import Conference, Question


def _rows(questions: Iterable[Question]) -> list[list[str]]:
    rows = []
    for question in questions:
        rows.append(
            [
                question.topic.name if question.topic_id else "",
                str(question.support_count),
                question.get_status_display(),
                " ".join(question.text.split()),
                format_moment(question.created_at, "numeric_datetime"),
            ]
        )
    return rows


def _sorted(questions: Iterable[Question]) -> list[Question]:
    visible = [q for q in questions if not q.hidden]
    return sorted(
        visible,
        key=lambda q: (q.topic is None, q.topic.name if q.topic else "", -q.support_count, q.pk),
    )


def briefing_csv(questions: Iterable[Question]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Topic"),
            pgettext("briefing column", "Support"),
            _("Status"),
            _("Question"),
            _("Sent in"),
        ]
    )
    for row in _rows(_sorted(questions)):
        # A leading = + - @ would be a formula in a spreadsheet.
        writer.writerow([("'" + cell) if cell[:1] in "=+-@" else cell for cell in row])
    return buffer.getvalue()


def _pdf_text(text: str) -> bytes:
    """A PDF string literal in WinAnsi (cp1252): umlauts, ß, € and • survive."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def briefing_pdf(conference: Conference, questions: Iterable[Question]) -> bytes:
    """A plain A4 PDF (Helvetica, WinAnsi) with the questions by topic and support."""
    start = timezone.localtime(conference.starts_at)
    lines: list[tuple[int, str]] = [
        (14, conference.title),
        (
            10,
            format_moment(start, "numeric_datetime")
            + (f" – {conference.topic}" if conference.topic else ""),
        ),
        (10, ""),
    ]
    current_topic = object()
    for question in _sorted(questions):
        topic = question.topic.name if question.topic_id else _("Without topic")
        if topic != current_topic:
            lines += [(10, ""), (12, topic)]
            current_topic = topic
        head = _("%(count)d supporters") % {"count": question.support_count}
        wrapped = textwrap.wrap(" ".join(question.text.split()), 90) or [""]
        lines.append((10, f"• {wrapped[0]}"))
        lines += [(10, f"   {more}") for more in wrapped[1:]]
        lines.append((8, f"   {head} · {question.get_status_display()}"))

    pages: list[list[tuple[int, str]]] = [[]]
    height = 0
    for size, text in lines:
        if height + size + 4 > 760:
            pages.append([])
            height = 0
        pages[-1].append((size, text))
        height += size + 4

    objects: list[bytes] = []
    font_id = 3
    page_ids = []
    contents = []
    for page in pages:
        y = 800
        ops = [b"BT"]
        for size, text in page:
            ops.append(f"/F1 {size} Tf 1 0 0 1 50 {y} Tm ".encode() + _pdf_text(text) + b" Tj")
            y -= size + 4
        ops.append(b"ET")
        contents.append(b"\n".join(ops))
    # 1 catalog, 2 pages, 3 font, then (page, content) pairs
    next_id = 4
    kids = []
    for content in contents:
        page_ids.append((next_id, next_id + 1, content))
        kids.append(f"{next_id} 0 R")
        next_id += 2
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for _page_id, content_id, content in page_ids:
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        objects.append(
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
