"""Impact report: per office and month, what happened (for the usage concept's renewal)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from . import clock
from .clock import BERLIN
from .enums import AdviceKind, ContactStatus
from .models import AdviceSlot, ContactRequest, ContactTally, Event, Office


@dataclass
class MonthRow:
    month: date
    events: int = 0
    registrations: int = 0
    attendees: int = 0
    appointments: dict[str, int] = field(default_factory=dict)
    contacts_received: int = 0
    contacts_handled: int = 0

    @property
    def appointments_total(self) -> int:
        return sum(self.appointments.values())


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(last: date, count: int) -> list[date]:
    months = []
    year, month = last.year, last.month
    for _step in range(count):
        months.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def _key(value) -> date:
    return value.date() if hasattr(value, "date") else value


def impact_report(*, office: Office, months: int = 12, last: date | None = None) -> list[MonthRow]:
    """One row per month, oldest first, ending with ``last`` (default: the current month)."""
    last = month_start(last or clock.today())
    span = months_back(last, months)
    rows = {
        month: MonthRow(month=month, appointments=dict.fromkeys(AdviceKind.values, 0))
        for month in span
    }
    first = span[0]
    since = datetime.combine(first, time.min, tzinfo=BERLIN)

    for entry in (
        Event.objects.filter(office=office, cancelled=False, starts_at__gte=since)
        .annotate(month=TruncMonth("starts_at", tzinfo=BERLIN))
        .values("month")
        .annotate(
            events=Count("id"), registrations=Sum("registered_count"), attendees=Sum("attendees")
        )
    ):
        row = rows.get(_key(entry["month"]))
        if row:
            row.events = entry["events"]
            row.registrations = entry["registrations"] or 0
            row.attendees = entry["attendees"] or 0
    for entry in (
        AdviceSlot.objects.filter(office=office, booked=True, starts_at__gte=since)
        .annotate(month=TruncMonth("starts_at", tzinfo=BERLIN))
        .values("month", "kind")
        .annotate(count=Count("id"))
    ):
        row = rows.get(_key(entry["month"]))
        if row:
            row.appointments[entry["kind"]] = entry["count"]
    contacts = ContactRequest.objects.filter(office=office)
    for entry in (
        contacts.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=BERLIN))
        .values("month")
        .annotate(count=Count("id"))
    ):
        row = rows.get(_key(entry["month"]))
        if row:
            row.contacts_received += entry["count"]
    for entry in (
        contacts.filter(Q(status=ContactStatus.DONE) & Q(done_at__gte=since))
        .annotate(month=TruncMonth("done_at", tzinfo=BERLIN))
        .values("month")
        .annotate(count=Count("id"))
    ):
        row = rows.get(_key(entry["month"]))
        if row:
            row.contacts_handled += entry["count"]
    for tally in ContactTally.objects.filter(office=office, month__gte=first):
        row = rows.get(tally.month)
        if row:
            row.contacts_received += tally.received
            row.contacts_handled += tally.handled
    return [rows[month] for month in span]


def report_csv(office: Office, rows: list[MonthRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    kinds = list(AdviceKind)
    writer.writerow(
        [
            _("Office"),
            _("Month"),
            _("Events"),
            _("Registrations"),
            _("Attendees counted"),
            *[kind.label for kind in kinds],
            _("Appointments in total"),
            _("Contact requests received"),
            _("Contact requests handled"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                office.name,
                f"{row.month:%Y-%m}",
                row.events,
                row.registrations,
                row.attendees,
                *[row.appointments.get(kind.value, 0) for kind in kinds],
                row.appointments_total,
                row.contacts_received,
                row.contacts_handled,
            ]
        )
    return buffer.getvalue()
