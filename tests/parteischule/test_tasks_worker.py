"""Periodic tasks through a real Celery worker on Redis, into a real SMTP sink."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from parteischule import tasks
from parteischule.enums import EnrolmentStatus, ReservedGroup
from parteischule.models import Course, Enrolment
from rotesnetz.celery import app
from tests.support.factories import make_user
from tests.support.parteischule_factories import enrol, fill, make_course

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_url, settings, smtp_sink):
    settings.MAILERS = smtp_sink.mailers_setting()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield smtp_sink


def _wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_reminder_task_sends_one_mail_per_person_through_the_worker(worker):
    course = make_course(starts_in=timedelta(hours=12), title="Rhetorik")
    user = make_user(email="erinnert@example.org")
    enrol(course, user)

    tasks.send_reminders.delay()  # as celery beat would
    assert _wait_for(lambda: any("Erinnerung" in m["Subject"] for m in worker.to(user.email)))
    again = tasks.send_reminders()  # a second beat, or a retry after a crash

    time.sleep(1)
    reminders = [m for m in worker.to(user.email) if "Erinnerung" in m["Subject"]]
    assert again == 0
    assert len(reminders) == 1
    assert "Rhetorik" in reminders[0]["Subject"]


def test_release_task_promotes_the_waitlist_and_mails_through_the_worker(worker):
    course = make_course(
        capacity=2,
        reserved_seats=1,
        reserved_for=ReservedGroup.WOMEN,
        reserved_until=timezone.now() + timedelta(hours=1),
    )
    fill(course, 1)
    waiting = enrol(course, make_user(email="nachruecker@example.org"))
    Course.objects.filter(pk=course.pk).update(reserved_until=timezone.now() - timedelta(minutes=1))

    tasks.release_reserved_seats.delay()

    assert _wait_for(
        lambda: Enrolment.objects.get(pk=waiting.pk).status == EnrolmentStatus.ENROLLED
    )
    assert _wait_for(
        lambda: any("frei geworden" in m["Subject"] for m in worker.to(waiting.user.email))
    )
    assert Enrolment.objects.filter(course=course, status=EnrolmentStatus.ENROLLED).count() == 2
