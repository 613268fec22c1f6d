"""Attendance, completion, certificates (PDF and public verification) and learning paths."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parteischule import certificates, services
from parteischule.models import Attendance, Certificate, LearningPath, LearningPathStep
from rotesnetz.members.models import Qualification
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_user
from tests.support.parteischule_factories import (
    complete,
    enrol,
    fill,
    make_course,
    make_session,
    make_trainer,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def test_attending_every_required_session_completes_and_issues_a_certificate():
    trainer = make_trainer()
    course = make_course(trainers=[trainer], sessions=2)
    enrolment = enrol(course)

    complete(course, enrolment, by=trainer)

    assert enrolment.completed_at is not None
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", certificate.code)
    assert OutboundMail.objects.filter(key=f"parteischule:completed:{enrolment.pk}").count() == 1


def test_missing_a_required_session_does_not_complete():
    trainer = make_trainer()
    course = make_course(trainers=[trainer], sessions=2)
    enrolment = enrol(course)
    first = course.sessions.first()

    services.attendance_record(session=first, by=trainer, present_ids={enrolment.pk})

    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert not Certificate.objects.exists()


def test_optional_sessions_are_not_needed_for_completion():
    trainer = make_trainer()
    course = make_course(trainers=[trainer], sessions=1)
    optional = make_session(course, is_required=False)
    enrolment = enrol(course)

    services.attendance_record(
        session=course.sessions.exclude(pk=optional.pk).get(),
        by=trainer,
        present_ids={enrolment.pk},
    )

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_unmarking_attendance_withdraws_completion_and_the_certificate():
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    enrolment = complete(course, enrol(course), by=trainer)

    services.attendance_record(session=course.sessions.get(), by=trainer, present_ids=set())

    enrolment.refresh_from_db()
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert enrolment.completed_at is None
    assert certificate.is_valid is False


def test_attendance_for_someone_not_enrolled_is_refused_and_nothing_changes():
    trainer = make_trainer()
    course = make_course(trainers=[trainer], capacity=1)
    (seat,) = fill(course)
    waiting = enrol(course)
    session = course.sessions.get()

    with pytest.raises(ValidationError, match="Nur angemeldete Teilnehmende"):
        services.attendance_record(session=session, by=trainer, present_ids={seat.pk, waiting.pk})

    assert not Attendance.objects.exists()


def test_attendance_by_a_plain_member_is_refused():
    course = make_course()
    enrolment = enrol(course)

    with pytest.raises(PermissionDenied):
        services.attendance_record(
            session=course.sessions.get(), by=enrolment.user, present_ids={enrolment.pk}
        )

    assert not Attendance.objects.exists()


def test_certificate_pdf_names_person_course_code_and_verification_url():
    trainer = make_trainer()
    course = make_course(trainers=[trainer], title="Projektmanagement für Ortsvereine")
    user = make_user(name="Jörg Müller")
    enrolment = complete(course, enrol(course, user), by=trainer)

    pdf = certificates.render_pdf(certificate=enrolment.certificate)

    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF-")
    assert "Teilnahmebest" in text
    assert "J\xf6rg M\xfcller" in text
    assert "Projektmanagement f\xfcr Ortsvereine" in text
    assert enrolment.certificate.code in text
    assert reverse("parteischule:verify", args=[enrolment.certificate.code]) in text


def test_verification_page_confirms_a_valid_code_without_login(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], title="Rhetorik")
    enrolment = complete(course, enrol(course, make_user(name="Ada")), by=trainer)

    response = client.get(reverse("parteischule:verify", args=[enrolment.certificate.code]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Diese Teilnahmebestätigung ist gültig." in page
    assert "Ada hat den Kurs „Rhetorik“" in page


def test_verification_finds_a_code_typed_without_dashes_or_in_lower_case(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], title="Rhetorik")
    code = complete(course, enrol(course, make_user(name="Ada")), by=trainer).certificate.code
    url = reverse("parteischule:verify_form")

    for typed in (code.replace("-", ""), code.lower(), f" {code[:6]} {code[6:]} "):
        response = client.get(url, {"code": typed})
        assert response.status_code == 200, typed
        assert "Diese Teilnahmebestätigung ist gültig." in response.content.decode()


def test_verification_page_rejects_an_unknown_code(client):
    response = client.get(reverse("parteischule:verify", args=["AAAA-BBBB-CCCC"]))

    assert response.status_code == 404
    assert "Diesen Code kennen wir nicht" in response.content.decode()


def test_verification_page_shows_a_withdrawn_certificate_as_invalid(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    enrolment = complete(course, enrol(course), by=trainer)
    services.attendance_record(session=course.sessions.get(), by=trainer, present_ids=set())

    response = client.get(reverse("parteischule:verify", args=[enrolment.certificate.code]))

    assert "zurückgezogen" in response.content.decode()


def test_certificate_download_only_for_its_owner(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    enrolment = complete(course, enrol(course), by=trainer)
    url = reverse("parteischule:certificate_pdf", args=[enrolment.pk])

    client.force_login(make_user())
    stranger = client.get(url)
    client.force_login(enrolment.user)
    owner = client.get(url)

    assert stranger.status_code == 404
    assert owner.status_code == 200
    assert owner["Content-Type"] == "application/pdf"


def test_completing_a_learning_path_records_the_qualification():
    trainer = make_trainer()
    first, second = make_course(trainers=[trainer]), make_course(trainers=[trainer])
    path = LearningPath.objects.create(
        title="Moderation",
        slug="moderation",
        qualification_code="moderation",
        qualification_label="Moderation",
    )
    LearningPathStep.objects.create(path=path, course=first, order=1)
    LearningPathStep.objects.create(path=path, course=second, order=2)
    user = make_user()

    complete(first, enrol(first, user), by=trainer)
    halfway = Qualification.objects.filter(user=user).count()
    complete(second, enrol(second, user), by=trainer)

    assert halfway == 0
    qualification = Qualification.objects.get(user=user)
    assert (qualification.code, qualification.label) == ("moderation", "Moderation")
    assert qualification.source == "Lernpfad Moderation"


def test_learning_path_progress_counts_completed_courses(client):
    trainer = make_trainer()
    first, second = make_course(trainers=[trainer]), make_course(trainers=[trainer])
    path = LearningPath.objects.create(
        title="Digital", slug="digital", qualification_code="digital", qualification_label="D"
    )
    LearningPathStep.objects.create(path=path, course=first, order=1)
    LearningPathStep.objects.create(path=path, course=second, order=2)
    user = make_user()
    complete(first, enrol(first, user), by=trainer)
    client.force_login(user)

    response = client.get(reverse("parteischule:learning_paths"))

    assert "1 von 2 Kursen abgeschlossen" in response.content.decode()
