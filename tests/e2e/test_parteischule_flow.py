"""Parteischule in the browser: waitlist, promotion by mail, attendance, certificate, check."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from parteischule.models import Certificate, Enrolment
from tests.support.factories import PASSWORD, make_user
from tests.support.parteischule_factories import enrol, make_course, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_role("textbox", name=re.compile(r"^Passwort\W*$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("^Anmeld")).click()
    page.get_by_role("heading", name=re.compile("Mein Netz")).wait_for()


def _wait_for_mail(sink, address, subject, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [m for m in sink.to(address) if subject in m["Subject"]]
        if messages:
            return messages[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail '{subject}' to {address}")


def test_waitlist_promotion_attendance_certificate_and_verification(new_page, e2e_smtp):
    trainer = make_user(email="trainerin-e2e@example.org", name="Tanja Trainerin")
    course = make_course(
        title="Rhetorik für Einsteigerinnen",
        capacity=1,
        trainers=[trainer],
        starts_in=timedelta(days=3),
    )
    holder = make_user(email="platz-e2e@example.org", name="Paula Platz")
    enrol(course, holder)
    member = make_user(email="warte-e2e@example.org", name="Wanda Warte")

    # The member finds the full course and lands on the waitlist.
    page = new_page()
    _login(page, member.email)
    page.get_by_role("link", name="Parteischule").first.click()
    page.get_by_role("link", name="Rhetorik für Einsteigerinnen").click()
    page.get_by_text("Der Kurs ist voll. Du kannst dich auf die Warteliste setzen.").wait_for()
    page.get_by_role("button", name="Auf die Warteliste").click()
    page.get_by_text(
        "Der Kurs ist voll, deshalb stehst du auf der Warteliste auf Platz 1."
    ).wait_for()
    _wait_for_mail(e2e_smtp, member.email, "Warteliste")

    # The seat holder cancels; the member moves up and gets the mail with the calendar.
    holder_page = new_page()
    _login(holder_page, holder.email)
    holder_page.goto(f"/parteischule/kurse/{course.pk}/")
    holder_page.get_by_role("button", name="Meinen Platz abmelden").click()
    holder_page.get_by_text("Du hast deinen Platz abgemeldet.").wait_for()
    promoted = _wait_for_mail(e2e_smtp, member.email, "Platz ist frei geworden")
    assert "Rhetorik für Einsteigerinnen" in promoted["Subject"]
    assert [part.get_content_type() for part in promoted.iter_attachments()] == ["text/calendar"]
    page.reload()
    page.get_by_text("Du bist angemeldet.").wait_for()

    # The trainer marks attendance on a phone-sized screen.
    trainer_page = new_page()
    trainer_page.set_viewport_size({"width": 390, "height": 844})
    _login(trainer_page, trainer.email)
    trainer_page.goto(f"/parteischule/verwalten/kurse/{course.pk}/")
    trainer_page.get_by_role("link", name="Anwesenheit").first.click()
    trainer_page.get_by_label("Wanda Warte").check()
    trainer_page.get_by_role("button", name="Anwesenheit speichern").click()
    trainer_page.get_by_text("Anwesenheit gespeichert: 1 anwesend.").wait_for()
    _wait_for_mail(e2e_smtp, member.email, "Abgeschlossen")

    # The member downloads the certificate; its URL verifies it for anyone.
    page.goto("/parteischule/meine-kurse/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Bestätigung (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    certificate = Certificate.objects.get(enrolment=Enrolment.objects.get(user=member))
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF-")
    assert certificate.code in text
    url = re.search(r"https?://\S+/parteischule/nachweis/[A-Z0-9-]+/", text).group(0)

    anonymous = new_page()
    anonymous.goto(re.sub(r"^https?://[^/]+", "", url))
    anonymous.get_by_text("Diese Teilnahmebestätigung ist gültig.").wait_for()
    assert "Wanda Warte" in anonymous.content()
