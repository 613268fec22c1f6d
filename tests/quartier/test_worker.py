"""Booking mails and the retention task through a real Celery worker on Redis."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from quartier import services, tasks
from quartier.enums import TeamRole
from quartier.models import AdviceBooking
from rotesnetz.celery import app
from tests.support.quartier_factories import make_booking, make_office, make_slot, make_team_member

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


def test_booking_confirmation_reaches_the_citizen_with_the_calendar_entry(worker):
    office = make_office(name="Quartierbüro Gartenstadt")
    slot = make_slot(office, advisor=make_team_member(office, TeamRole.ADVISOR))

    services.advice_booking_create(slot_id=slot.pk, name="Erika", email="erika@example.org")

    assert _wait_for(lambda: worker.to("erika@example.org"))
    message = worker.to("erika@example.org")[0]
    assert message["Subject"].startswith("Dein Termin: Rentenberatung am")
    attachments = list(message.iter_attachments())
    assert attachments[0].get_filename() == "termin.ics"
    assert "BEGIN:VEVENT" in attachments[0].get_content()


def test_retention_task_runs_on_the_worker(worker):
    office = make_office()
    old = make_slot(office, starts_at=timezone.now() - timedelta(days=60))
    make_booking(old)

    tasks.retention_purge.delay()

    assert _wait_for(lambda: not AdviceBooking.objects.exists())
