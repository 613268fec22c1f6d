"""Impact report per office and month, and deletion of personal data after retention."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from quartier import services, tasks
from quartier.clock import BERLIN
from quartier.enums import AdviceKind, ContactStatus, TeamRole
from quartier.models import AdviceBooking, AdviceSlot, ContactRequest, EventRegistration
from quartier.report import impact_report
from tests.support.quartier_factories import (
    make_booking,
    make_contact_request,
    make_event,
    make_office,
    make_slot,
    make_team_member,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=BERLIN)


def _in_may(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 5, day, hour, 0, tzinfo=BERLIN)


@pytest.fixture
def office(db):
    return make_office(name="Quartierbüro Gartenstadt")


def _may_activity(office):
    """Two events, three appointments, three contact requests in May 2026."""
    with time_machine.travel(_in_may(1), tick=False):
        first = make_event(office, starts_at=_in_may(5, 18), capacity=30, attendees=24)
        make_event(office, starts_at=_in_may(20, 18), registration_open=False, attendees=11)
        make_event(office, starts_at=_in_may(21, 18), cancelled=True)
        for number in range(3):
            services.event_register(
                event_id=first.pk, name=f"P{number}", email=f"p{number}@example.org"
            )
        advisor = make_team_member(office, TeamRole.ADVISOR)
        for day, kind in (
            (6, AdviceKind.PENSION),
            (13, AdviceKind.PENSION),
            (14, AdviceKind.TENANT),
        ):
            make_booking(make_slot(office, advisor=advisor, kind=kind, starts_at=_in_may(day)))
        make_slot(office, advisor=advisor, starts_at=_in_may(27))  # nobody booked it
    for day, status in ((3, ContactStatus.DONE), (9, ContactStatus.DONE), (30, ContactStatus.NEW)):
        with time_machine.travel(_in_may(day), tick=False):
            request = make_contact_request(
                office, status=status, done_at=timezone.now() if status == "erledigt" else None
            )
    return request


def test_report_counts_events_appointments_and_contact_requests_per_month(office):
    _may_activity(office)

    with time_machine.travel(NOW, tick=False):
        rows = impact_report(office=office, months=3)

    assert [row.month for row in rows] == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    may = rows[1]
    assert (may.events, may.registrations, may.attendees) == (2, 3, 35)
    assert may.appointments == {"rente": 2, "miete": 1, "sozial": 0}
    assert (may.contacts_received, may.contacts_handled) == (3, 2)
    assert rows[0].events == rows[2].events == 0


def test_report_page_and_csv_export(client, office):
    _may_activity(office)
    client.force_login(make_team_member(office, TeamRole.LEAD))
    url = reverse("quartier:report", args=[office.slug])

    with time_machine.travel(NOW, tick=True):
        page = client.get(url, {"months": 2})
        export = client.get(url, {"months": 2, "format": "csv"})

    assert "<svg" in page.content.decode()
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode()), delimiter=";"))
    assert rows[0][:3] == ["Büro", "Monat", "Veranstaltungen"]
    assert rows[1][1:] == ["2026-05", "2", "3", "35", "2", "1", "0", "3", "3", "2"]
    assert rows[2][1:3] == ["2026-06", "0"]


def test_report_is_not_for_outsiders(client, office):
    client.force_login(make_team_member(make_office(), TeamRole.LEAD))

    assert client.get(reverse("quartier:report", args=[office.slug])).status_code == 404


def test_retention_deletes_old_personal_data_and_keeps_the_counts(office):
    _may_activity(office)
    with time_machine.travel(NOW, tick=False):
        make_contact_request(office, subject="Frisch")  # younger than the period: stays

    days = settings.QUARTIER_CONTACT_RETENTION_DAYS
    with time_machine.travel(_in_may(30) + timedelta(days=days, hours=1), tick=False):
        counts = tasks.retention_purge.delay().get()
        rows = impact_report(office=office, months=2, last=date(2026, 6, 1))

    assert counts == {"bookings": 3, "registrations": 3, "contact_requests": 3}
    assert list(AdviceBooking.objects.all()) == []
    assert not EventRegistration.objects.exists()
    assert list(ContactRequest.objects.values_list("subject", flat=True)) == ["Frisch"]
    assert AdviceSlot.objects.filter(booked=True).count() == 3
    may = rows[0]
    assert may.appointments == {"rente": 2, "miete": 1, "sozial": 0}
    assert (may.registrations, may.contacts_received, may.contacts_handled) == (3, 3, 2)


def test_retention_keeps_what_is_younger_than_the_period(office):
    with time_machine.travel(NOW, tick=False):
        slot = make_slot(office, starts_at=NOW - timedelta(days=1))
        booking = make_booking(slot)
        request = make_contact_request(office)
    booking_days = settings.QUARTIER_BOOKING_RETENTION_DAYS

    with time_machine.travel(NOW + timedelta(days=booking_days - 2), tick=False):
        kept = services.retention_purge()
    with time_machine.travel(NOW + timedelta(days=booking_days + 1), tick=False):
        purged = services.retention_purge()

    assert kept == {"bookings": 0, "registrations": 0, "contact_requests": 0}
    assert purged["bookings"] == 1
    assert not AdviceBooking.objects.filter(pk=booking.pk).exists()
    assert ContactRequest.objects.filter(pk=request.pk).exists()


def test_the_retention_task_runs_periodically():
    from rotesnetz.privacy import registry

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    # The platform's one retention task applies quartier's periods through its provider.
    assert "privacy.retention" in schedule
    assert registry.get("quartier").retain is not None
    assert tasks.retention_purge.name == "quartier.retention_purge"
