"""Confirmation with ICS, video links only for the enrolled, reminders exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parteischule import services
from parteischule.tasks import send_reminders
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_user
from tests.support.parteischule_factories import enrol, fill, make_course, make_session

pytestmark = pytest.mark.django_db


def test_confirmation_carries_an_ics_with_every_session_and_the_video_link():
    course = make_course(sessions=3, video_url="https://video.example/raum")
    enrolment = enrol(course)

    mail = OutboundMail.objects.get(key=f"parteischule:confirm:{enrolment.pk}")

    (attachment,) = mail.attachments
    ics = attachment["content"]
    assert attachment["mimetype"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert ics.count("BEGIN:VEVENT") == 3
    assert "CONFERENCE;VALUE=URI" in ics
    assert "https://video.example/raum" in ics
    assert "https://video.example/raum" in mail.body
    for session in course.sessions.all():
        assert f"UID:parteischule-session-{session.pk}@" in ics


def test_waitlist_mail_has_no_calendar_and_no_video_link():
    course = make_course(capacity=1, video_url="https://video.example/raum")
    fill(course)
    waiting = enrol(course)

    mail = OutboundMail.objects.get(key=f"parteischule:waitlist:{waiting.pk}")

    assert mail.attachments == []
    assert "video.example" not in mail.body
    assert "Platz 1" in mail.body


def test_reminder_goes_once_per_person_and_session():
    course = make_course(starts_in=timedelta(hours=20), sessions=1)
    people = fill(course, 3)

    first = services.reminders_send()
    second = services.reminders_send()

    reminders = OutboundMail.objects.filter(purpose="parteischule.reminder")
    assert (first, second) == (3, 0)
    assert sorted(m.to for m in reminders) == sorted(e.user.email for e in people)
    assert reminders[0].subject.startswith("Erinnerung: ")


def test_reminder_skips_sessions_further_away_and_the_waitlist():
    soon = make_course(starts_in=timedelta(hours=10), capacity=1)
    fill(soon)
    waiting = enrol(soon)
    later = make_course(starts_in=timedelta(days=3))
    enrol(later)

    send_reminders()

    reminded = set(
        OutboundMail.objects.filter(purpose="parteischule.reminder").values_list("to", flat=True)
    )
    assert waiting.user.email not in reminded
    assert len(reminded) == 1


def test_reminder_for_the_second_session_is_a_second_mail():
    course = make_course(starts_in=timedelta(hours=5))
    user = make_user()
    enrol(course, user)
    services.reminders_send()
    make_session(course, starts_at=timezone.now() + timedelta(days=2))

    services.reminders_send(now=timezone.now() + timedelta(days=1, hours=6))

    assert OutboundMail.objects.filter(purpose="parteischule.reminder", to=user.email).count() == 2


def test_moving_a_session_mails_the_enrolled_an_updated_calendar():
    trainer = make_user()
    course = make_course(trainers=[trainer], capacity=1)
    (seat,) = fill(course)
    waiting = enrol(course)
    session = course.sessions.get()

    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    services.session_save(session=session, by=trainer)

    (mail,) = OutboundMail.objects.filter(purpose="parteischule.session_changed")
    assert mail.to == seat.user.email
    assert mail.to != waiting.user.email
    assert mail.subject == f"Termin geändert: {course.title}"
    assert "SEQUENCE:1" in mail.attachments[0]["content"]


def test_saving_a_session_without_changing_time_or_place_sends_nothing():
    trainer = make_user()
    course = make_course(trainers=[trainer])
    enrol(course)
    session = course.sessions.get()

    session.title = "Neuer Titel"
    services.session_save(session=session, by=trainer)

    session.refresh_from_db()
    assert session.sequence == 0
    assert not OutboundMail.objects.filter(purpose="parteischule.session_changed").exists()


def test_adding_and_deleting_a_session_tell_the_enrolled():
    from parteischule.models import CourseSession

    trainer = make_user()
    course = make_course(trainers=[trainer])
    enrolment = enrol(course)
    start = course.first_session_at + timedelta(days=7)

    added = services.session_save(
        session=CourseSession(course=course, starts_at=start, ends_at=start + timedelta(hours=2)),
        by=trainer,
    )
    added_pk = added.pk
    services.session_delete(session=added, by=trainer)

    new = OutboundMail.objects.get(purpose="parteischule.session_added")
    removed = OutboundMail.objects.get(purpose="parteischule.session_removed")
    assert new.to == removed.to == enrolment.user.email
    assert new.attachments[0]["content"].count("BEGIN:VEVENT") == 2
    cancel = removed.attachments[0]["content"]
    assert "METHOD:CANCEL" in cancel
    assert "STATUS:CANCELLED" in cancel
    assert f"UID:parteischule-session-{added_pk}@" in cancel
