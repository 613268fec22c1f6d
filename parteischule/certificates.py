"""The Teilnahmebestätigung as PDF (fpdf2, pure Python, built on request, never stored)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from rotesnetz.dates import format_moment

from .models import Certificate

# fpdf2's built-in fonts speak Latin-1: German umlauts work, typographic characters are mapped.
_REPLACEMENTS = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "…": "...",
        "\u00a0": " ",
        "€": "EUR",
    }
)


def _latin1(text: str) -> str:
    return str(text).translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("parteischule:verify", args=[certificate.code])


def render_pdf(*, certificate: Certificate) -> bytes:
    # Imported here: fpdf2 takes over a second to import, which every process start paid.
    from fpdf import FPDF

    enrolment = certificate.enrolment
    course = enrolment.course
    sessions = list(course.sessions.order_by("starts_at"))
    attended = set(enrolment.attendances.values_list("session_id", flat=True))
    with override(settings.LANGUAGE_CODE):
        pdf = FPDF(format="A4")
        pdf.set_title(_latin1(_("Certificate of attendance")))
        pdf.set_author(_latin1(settings.BRAND_NAME))
        pdf.set_margins(25, 25, 25)
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        school = _("Party school")
        pdf.cell(
            0,
            8,
            _latin1(f"{settings.BRAND_NAME} · {school}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(20)
        pdf.set_font("Helvetica", "B", 24)
        pdf.cell(0, 12, _latin1(_("Certificate of attendance")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(0, 7, _latin1(_("We confirm that")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, _latin1(enrolment.user.public_name), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(
            0, 7, _latin1(_("has taken part in the course")), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, _latin1(course.title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        where = course.regionalzentrum.name if course.regionalzentrum_id else course.place
        details = [
            _("Category: %(name)s") % {"name": course.category.name},
            _("Organised by: %(name)s") % {"name": where or course.landesverband.name},
        ]
        for line in details:
            pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, _latin1(_("Sessions attended")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for session in sessions:
            if session.pk not in attended:
                continue
            label = format_moment(session.starts_at, "day_date")
            if session.title:
                label = f"{label}: {session.title}"
            pdf.multi_cell(0, 6, _latin1(f"- {label}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        completed = format_moment(enrolment.completed_at, "day_date")
        pdf.multi_cell(
            0,
            6,
            _latin1(_("Completed on %(date)s") % {"date": completed}),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(16)
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(
            0,
            5,
            _latin1(
                _("Code: %(code)s. Anyone can check this certificate at: %(url)s")
                % {"code": certificate.code, "url": verification_url(certificate)}
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())
