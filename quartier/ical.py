"""iCalendar entries for the office's events and advice appointments (built on rotesnetz.ics)."""

from django.conf import settings
from django.urls import reverse

from rotesnetz import ics
from rotesnetz.markup import plain_text

from .models import AdviceSlot, Event, Office


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "rotesnetz"


def office_url(office: Office) -> str:
    return settings.SITE_URL + reverse("quartier:office", args=[office.slug])


def event_entry(event: Event, *, cancelled: bool = False) -> ics.Event:
    office = event.office
    return ics.Event(
        uid=f"quartier-event-{event.pk}@{_host()}",
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=plain_text(event.description, limit=1000),
        location=f"{office.name}, {office.address_line}",
        url=settings.SITE_URL + reverse("quartier:event", args=[office.slug, event.pk]),
        sequence=event.sequence + (1 if cancelled else 0),
        status="CANCELLED" if cancelled or event.cancelled else "CONFIRMED",
        organizer_email=office.email,
        organizer_name=office.name,
        created=event.created_at,
    )


def slot_entry(slot: AdviceSlot, *, cancelled: bool = False, booking_id: int | None = None):
    office = slot.office
    # The UID names the booking, so that a slot booked again by someone else is a new entry.
    uid = f"quartier-booking-{booking_id or slot.pk}-{slot.pk}@{_host()}"
    return ics.Event(
        uid=uid,
        start=slot.starts_at,
        end=slot.ends_at,
        summary=f"{slot.get_kind_display()} – {office.name}",
        location=f"{office.name}, {office.address_line}",
        url=office_url(office),
        sequence=1 if cancelled else 0,
        status="CANCELLED" if cancelled else "CONFIRMED",
        organizer_email=office.email,
        organizer_name=office.name,
    )


def invitation(entry: ics.Event, *, cancelled: bool = False) -> str:
    return ics.calendar([entry], method="CANCEL" if cancelled else "REQUEST")


def office_feed(office: Office, events: list[Event]) -> str:
    return ics.calendar([event_entry(event) for event in events], name=office.name)
