"""Factories for the quartier tests: plain functions, readable arrange steps."""

import itertools
from datetime import datetime, time, timedelta

from django.utils import timezone

from quartier.clock import BERLIN
from quartier.enums import (
    AdviceKind,
    ConceptStatus,
    ConceptStepKind,
    EventCategory,
    OfficeKind,
    OfficeStatus,
    TeamRole,
)
from quartier.models import (
    AdviceBooking,
    AdviceSlot,
    ConceptStep,
    ContactRequest,
    Event,
    Office,
    OpeningHours,
    Service,
    TeamMember,
    UsageConcept,
)
from rotesnetz.members.models import GliederungKind
from tests.support.factories import make_gliederung, make_user

_counter = itertools.count(1)

WORKDAYS_10_TO_18 = [(day, "10:00", "18:00") for day in range(5)]


def _time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def make_service(name: str = "") -> Service:
    number = next(_counter)
    name = name or f"Angebot {number}"
    return Service.objects.create(name=name, slug=f"angebot-{number}")


def make_office(
    *,
    gliederung=None,
    name: str = "",
    status: str = OfficeStatus.OPEN,
    postcode: str = "67065",
    city: str = "Ludwigshafen am Rhein",
    district: str = "Gartenstadt",
    hours=None,
    **extra,
) -> Office:
    number = next(_counter)
    if gliederung is None:
        lv = make_gliederung(kind=GliederungKind.LANDESVERBAND)
        gliederung = make_gliederung(
            kind=GliederungKind.ORTSVEREIN,
            parent=make_gliederung(kind=GliederungKind.UNTERBEZIRK, parent=lv),
        )
    extra.setdefault("kind", OfficeKind.QUARTIERBUERO)
    extra.setdefault("street", f"Teststraße {number}")
    office = Office.objects.create(
        name=name or f"Quartierbüro Test {number}",
        slug=f"buero-{number}",
        gliederung=gliederung,
        status=status,
        postcode=postcode,
        city=city,
        district=district,
        **extra,
    )
    for weekday, opens, closes in WORKDAYS_10_TO_18 if hours is None else hours:
        OpeningHours.objects.create(
            office=office, weekday=weekday, opens=_time(opens), closes=_time(closes)
        )
    return office


def make_team_member(office: Office, role: str = TeamRole.VOLUNTEER, user=None, **kwargs):
    user = user or make_user(**kwargs)
    TeamMember.objects.create(office=office, user=user, role=role)
    return user


def at_berlin(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def make_event(
    office: Office,
    *,
    starts_at: datetime | None = None,
    duration: timedelta = timedelta(hours=2),
    capacity: int | None = None,
    title: str = "",
    **extra,
) -> Event:
    starts_at = starts_at or timezone.now() + timedelta(days=3)
    extra.setdefault("category", EventCategory.INFORMATION)
    return Event.objects.create(
        office=office,
        title=title or f"Infoabend {next(_counter)}",
        starts_at=starts_at,
        ends_at=starts_at + duration,
        capacity=capacity,
        **extra,
    )


def make_slot(
    office: Office,
    *,
    advisor=None,
    kind: str = AdviceKind.PENSION,
    starts_at: datetime | None = None,
    minutes: int = 30,
    **extra,
) -> AdviceSlot:
    if advisor is None:
        advisor = make_team_member(office, TeamRole.ADVISOR)
    starts_at = starts_at or timezone.now() + timedelta(days=2, minutes=next(_counter))
    return AdviceSlot.objects.create(
        office=office,
        advisor=advisor,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **extra,
    )


def make_booking(slot: AdviceSlot, *, name="Erika Muster", email="erika@example.org", **extra):
    booking = AdviceBooking.objects.create(slot=slot, name=name, email=email, **extra)
    AdviceSlot.objects.filter(pk=slot.pk).update(booked=True)
    slot.booked = True
    return booking


def make_contact_request(office: Office, **extra) -> ContactRequest:
    values = {
        "name": "Erika Muster",
        "email": "erika@example.org",
        "subject": "Schimmel in der Wohnung",
        "message": "Die Hausverwaltung reagiert nicht.",
        "consent": True,
        **extra,
    }
    return ContactRequest.objects.create(office=office, **values)


CONCEPT_DATA = {
    "target_groups": "Ältere Menschen, Familien",
    "planned_offers": "Rentenberatung, Mieterberatung",
    "team_plan": "8 Ehrenamtliche",
    "opening_plan": "Di und Do",
    "partners": "Mieterverein",
    "budget": 12000,
    "budget_notes": "Miete",
}


def make_concept(office: Office, *, by=None, status: str = ConceptStatus.SUBMITTED):
    concept = UsageConcept.objects.create(
        office=office,
        submitted_by=by,
        submitted_at=timezone.now(),
        status=status,
        **CONCEPT_DATA,
    )
    ConceptStep.objects.create(
        concept=concept,
        kind=ConceptStepKind.SUBMITTED,
        author=by,
        author_name=by.public_name if by else "",
    )
    return concept
