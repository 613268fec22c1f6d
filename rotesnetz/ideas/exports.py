"""CSV and printable PDF of a process's ideas for the programme commission."""

import csv
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from rotesnetz.dates import format_moment
from rotesnetz.markup import plain_text

from .models import Idea, ProgrammeProcess

# Spreadsheets run cells that start like a formula; members wrote these texts.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _behalf(idea: Idea) -> str:
    behalf = getattr(idea, "behalf", None)
    return behalf.get_status_display() if behalf is not None else ""


def ideas_csv(*, process: ProgrammeProcess, ideas: list[Idea]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet programs read UTF-8 only with a byte order mark
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Number"),
            _("Chapter"),
            _("Title"),
            _("Text"),
            _("Submitted by"),
            _("Gliederung"),
            _("In the name of the Gliederung"),
            _("Submitted on"),
            _("Supporters"),
            _("Comments"),
            _("Status"),
            _("Answer"),
            _("Place in the programme: chapter"),
            _("Place in the programme: section"),
            _("Link"),
        ]
    )
    for idea in ideas:
        writer.writerow(
            [
                _cell(c)
                for c in (
                    idea.pk,
                    idea.chapter.title,
                    idea.title,
                    idea.text,
                    idea.author.public_name if idea.author else _("deleted member"),
                    idea.gliederung.name,
                    _behalf(idea),
                    format_moment(idea.created_at, "numeric_datetime"),
                    idea.support_count,
                    idea.comment_count,
                    idea.get_status_display(),
                    idea.answer,
                    idea.programme_chapter,
                    idea.programme_section,
                    settings.SITE_URL + idea.get_absolute_url(),
                )
            ]
        )
    return out.getvalue()


# fpdf2's built-in fonts know Latin-1 (all German letters); typographic signs outside it are
# replaced by their plain twins instead of failing, and anything else by "?".
_REPLACEMENTS = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "€": "EUR",
        "•": "-",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def _latin1(text: str) -> str:
    return str(text).translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def ideas_pdf(*, process: ProgrammeProcess, ideas: list[Idea], filters_label: str = "") -> bytes:
    from fpdf import FPDF

    class _PDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.set_text_color(90)
            self.cell(0, 6, _latin1(f"{process.title} · {self.page_no()}"), align="C")

    pdf = _PDF(format="A4")
    pdf.set_title(_latin1(process.title))
    pdf.set_author(_latin1(settings.BRAND_NAME))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(process.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(90)
    stand = _("As of %(date)s. %(count)d ideas.") % {
        "date": format_moment(timezone.now(), "day_datetime"),
        "count": len(ideas),
    }
    pdf.multi_cell(
        0, 5, _latin1(f"{stand} {filters_label}".strip()), new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.set_text_color(0)
    chapter = None
    for idea in ideas:
        if idea.chapter_id != chapter:
            chapter = idea.chapter_id
            pdf.ln(4)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(
                0, 7, _latin1(idea.chapter.title), new_x="LMARGIN", new_y="NEXT", align="L"
            )
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(
            0, 6, _latin1(f"#{idea.pk} {idea.title}"), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        pdf.set_font("Helvetica", "", 9)
        meta = _(
            "%(gliederung)s · %(supporters)d supporters · %(comments)d comments · %(status)s"
        ) % {
            "gliederung": idea.gliederung.name,
            "supporters": idea.support_count,
            "comments": idea.comment_count,
            "status": idea.get_status_display(),
        }
        pdf.multi_cell(0, 5, _latin1(meta), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(
            0, 5, _latin1(plain_text(idea.text, limit=1500)), new_x="LMARGIN", new_y="NEXT"
        )
        if idea.answer:
            pdf.set_font("Helvetica", "I", 10)
            answer = _("Answer: %(answer)s") % {"answer": plain_text(idea.answer, limit=1500)}
            pdf.multi_cell(0, 5, _latin1(answer), new_x="LMARGIN", new_y="NEXT", align="L")
        if idea.programme_chapter:
            pdf.set_font("Helvetica", "", 9)
            where = idea.programme_chapter
            if idea.programme_section:
                where = f"{where} – {idea.programme_section}"
            place = _("In the programme: %(place)s") % {"place": where}
            pdf.multi_cell(0, 5, _latin1(place), new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())
