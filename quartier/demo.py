"""Demo data for the offices, loaded by ``manage.py demo`` through the ``demo_loaded`` signal.

Idempotent: offices are found by their short name; their events, slots and contact requests
are made anew relative to today. The election figures are SYNTHETIC (see demo_data/README.md)
and go through the same CSV import the Landesvorstand uses.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction

from rotesnetz.members.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email
from rotesnetz.members.models import Gliederung, User

from . import clock
from .clock import BERLIN
from .enums import (
    AdviceKind,
    ConceptStatus,
    ConceptStepKind,
    ContactStatus,
    EventCategory,
    OfficeKind,
    OfficeStatus,
    TeamRole,
)
from .imports import election_results_import
from .models import (
    AdviceSlot,
    ConceptStep,
    ContactRequest,
    Event,
    Office,
    OpeningException,
    OpeningHours,
    Service,
    TeamMember,
    UsageConcept,
)

DATA = Path(__file__).resolve().parent / "demo_data"
SYNTHETIC_NOTE = "SYNTHETISCH – erfundene Zahlen für die Demo, keine echten Wahlergebnisse"

SERVICES = [
    ("rentenberatung", "Rentenberatung", 10),
    ("mieterberatung", "Mieterberatung", 20),
    ("sozialberatung", "Sozialberatung", 30),
    ("buergersprechstunde", "Bürgersprechstunde", 40),
    ("kultur", "Kultur im Kiez", 50),
    ("computerhilfe", "Computer- und Handyhilfe", 60),
    ("nachbarschaftscafe", "Nachbarschaftscafé", 70),
]

# slug, name, kind, gliederung, status, street, plz, city, district, lat, lng, services,
# step-free, languages, hours [(weekday, opens, closes)]
OFFICES = [
    (
        "ludwigshafen-gartenstadt",
        "Quartierbüro Ludwigshafen-Gartenstadt",
        OfficeKind.QUARTIERBUERO,
        "ov-ludwigshafen-gartenstadt",
        OfficeStatus.OPEN,
        "Maudacher Straße 120",
        "67065",
        "Ludwigshafen am Rhein",
        "Gartenstadt",
        Decimal("49.455800"),
        Decimal("8.413900"),
        ["rentenberatung", "mieterberatung", "buergersprechstunde", "nachbarschaftscafe"],
        True,
        "Deutsch, Türkisch, Russisch",
        [(0, 14, 18), (1, 10, 13), (1, 14, 18), (2, 10, 13), (3, 14, 19), (4, 10, 13)],
    ),
    (
        "berlin-gropiusstadt",
        "Kiezbüro Gropiusstadt",
        OfficeKind.KIEZBUERO,
        "abt-gropiusstadt",
        OfficeStatus.OPEN,
        "Lipschitzallee 70",
        "12353",
        "Berlin",
        "Gropiusstadt",
        Decimal("52.425000"),
        Decimal("13.462000"),
        ["sozialberatung", "mieterberatung", "kultur", "computerhilfe"],
        True,
        "Deutsch, Arabisch, Türkisch, Polnisch",
        [(0, 10, 16), (2, 12, 19), (3, 10, 16), (5, 10, 14)],
    ),
    (
        "ludwigshafen-pfingstweide",
        "Quartierbüro Ludwigshafen-Pfingstweide",
        OfficeKind.QUARTIERBUERO,
        "ub-ludwigshafen",
        OfficeStatus.CONCEPT_SUBMITTED,
        "Londoner Ring 5",
        "67069",
        "Ludwigshafen am Rhein",
        "Pfingstweide",
        None,
        None,
        ["buergersprechstunde"],
        False,
        "Deutsch",
        [],
    ),
    (
        "berlin-marzahn-nord",
        "Kiezbüro Marzahn-Nord",
        OfficeKind.KIEZBUERO,
        "abt-marzahn-nord",
        OfficeStatus.PLANNED,
        "Havemannstraße 24",
        "12689",
        "Berlin",
        "Marzahn-Nord",
        None,
        None,
        [],
        True,
        "Deutsch, Russisch, Vietnamesisch",
        [],
    ),
]

# local part, display name, [(office slug, role, tasks)], admin access (is_staff + TOTP)
PEOPLE = [
    (
        "buero",
        "Berta Büroleitung",
        [("ludwigshafen-gartenstadt", TeamRole.LEAD, "Büroleitung")],
        True,
    ),
    (
        "beratung",
        "Rainer Rentenberater",
        [("ludwigshafen-gartenstadt", TeamRole.ADVISOR, "Rentenberatung")],
        False,
    ),
    (
        "kiez",
        "Kemal Kiez",
        [("berlin-gropiusstadt", TeamRole.LEAD, "Büroleitung, Sozialberatung")],
        False,
    ),
]


def _user(local: str, name: str, *, staff: bool) -> User:
    email = demo_email(local)
    user = User.objects.filter(email=email).first() or User(email=email)
    user.display_name = name
    user.is_staff = staff
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if staff:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def _offices(services: dict[str, Service]) -> dict[str, Office]:
    offices = {}
    for (
        slug,
        name,
        kind,
        gliederung,
        status,
        street,
        plz,
        city,
        district,
        lat,
        lng,
        offered,
        step_free,
        languages,
        hours,
    ) in OFFICES:
        office, _created = Office.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "gliederung": Gliederung.objects.get(slug=gliederung),
                "status": status,
                "street": street,
                "postcode": plz,
                "city": city,
                "district": district,
                "latitude": lat,
                "longitude": lng,
                "email": f"{slug}@demo.rotesnetz.example",
                "phone": "0621 000000" if "ludwigshafen" in slug else "030 0000000",
                "description": (
                    "Wir sind für dich da: **Beratung**, Veranstaltungen und ein offenes Ohr "
                    "für alles, was Dich im Viertel bewegt. Komm einfach vorbei!"
                ),
                "step_free": step_free,
                "accessible_toilet": step_free,
                "accessibility_notes": "Eingang ebenerdig, Klingel auf 90 cm Höhe."
                if step_free
                else "",
                "languages": languages,
                "opened_on": clock.today() - timedelta(days=200)
                if status == OfficeStatus.OPEN
                else None,
            },
        )
        office.services.set([services[s] for s in offered])
        office.hours.all().delete()
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(office=office, weekday=d, opens=time(a), closes=time(b))
                for d, a, b in hours
            ]
        )
        offices[slug] = office
    return offices


def _concepts(offices: dict[str, Office], people: dict[str, User]) -> None:
    vorstand = User.objects.filter(email=demo_email("vorstand")).first()
    kreisvorstand = User.objects.filter(email=demo_email("kreisvorstand")).first()
    staff = User.objects.filter(email=demo_email("staff")).first()
    now = clock.now()
    plans = [
        ("ludwigshafen-gartenstadt", ConceptStatus.APPROVED, vorstand),
        ("berlin-gropiusstadt", ConceptStatus.APPROVED, None),
        ("ludwigshafen-pfingstweide", ConceptStatus.SUBMITTED, kreisvorstand),
    ]
    for slug, status, submitter in plans:
        office = offices[slug]
        UsageConcept.objects.filter(office=office).delete()
        concept = UsageConcept.objects.create(
            office=office,
            target_groups="Ältere Menschen, Familien mit kleinem Einkommen, Mieterinnen und "
            "Mieter der großen Wohnanlagen",
            planned_offers="Rentenberatung, Mieterberatung, Nachbarschaftscafé, Infoabende",
            team_plan="8 Ehrenamtliche aus dem Ortsverein, 2 Beraterinnen und Berater",
            opening_plan="Montag bis Freitag, an vier Tagen",
            partners="Mieterverein, Sozialverband, Stadtteilbibliothek",
            budget=Decimal("14400.00"),
            budget_notes="Miete 900 € im Monat, Nebenkosten und Material 300 € im Monat",
            status=status,
            submitted_by=submitter,
            submitted_at=now - timedelta(days=240 if status == ConceptStatus.APPROVED else 6),
            decided_by=staff if status == ConceptStatus.APPROVED else None,
            decided_at=now - timedelta(days=210) if status == ConceptStatus.APPROVED else None,
        )
        name = submitter.public_name if submitter else "Vorstand"
        ConceptStep.objects.create(
            concept=concept, kind=ConceptStepKind.SUBMITTED, author=submitter, author_name=name
        )
        if staff is not None:
            ConceptStep.objects.create(
                concept=concept,
                kind=ConceptStepKind.COMMENT,
                author=staff,
                author_name=staff.public_name,
                text="Danke! Gibt es schon Zusagen der Partner?",
            )
            if status == ConceptStatus.APPROVED:
                ConceptStep.objects.create(
                    concept=concept,
                    kind=ConceptStepKind.APPROVED,
                    author=staff,
                    author_name=staff.public_name,
                )


def _activities(offices: dict[str, Office], people: dict[str, User]) -> None:
    today = clock.today()
    gartenstadt = offices["ludwigshafen-gartenstadt"]
    gropiusstadt = offices["berlin-gropiusstadt"]
    for office in (gartenstadt, gropiusstadt):
        office.events.all().delete()
        office.slots.all().delete()
        office.advice_series.all().delete()
        office.contact_requests.all().delete()
        office.exceptions.all().delete()
    OpeningException.objects.create(
        office=gartenstadt,
        date=today + timedelta(days=10),
        closed=True,
        reason="Betriebsausflug des Teams",
    )
    events = [
        (gartenstadt, "Rente mit 63 – was gilt jetzt?", EventCategory.INFORMATION, 5, 18, 30),
        (gartenstadt, "Lesung: Geschichten aus der Gartenstadt", EventCategory.CULTURE, 12, 19, 40),
        (
            gartenstadt,
            "Stadtteilgespräch mit dem Oberbürgermeister",
            EventCategory.POLITICS,
            19,
            18,
            None,
        ),
        (gropiusstadt, "Mietenwahnsinn stoppen – Infoabend", EventCategory.INFORMATION, 4, 18, 60),
        (gropiusstadt, "Kiezkino: Berlin Alexanderplatz", EventCategory.CULTURE, 9, 20, 35),
    ]
    for office, title, category, in_days, hour, capacity in events:
        day = today + timedelta(days=in_days)
        Event.objects.create(
            office=office,
            title=title,
            category=category,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + 2),
            capacity=capacity,
            description="Eintritt frei. Melde Dich gern an, damit wir genug Stühle haben.",
        )
    for months_ago, attendees in ((1, 24), (2, 31), (3, 18)):
        day = today.replace(day=1) - timedelta(days=30 * months_ago - 10)
        Event.objects.create(
            office=gartenstadt,
            title="Nachbarschaftscafé",
            category=EventCategory.OTHER,
            starts_at=_at(day, 15),
            ends_at=_at(day, 17),
            registration_open=False,
            attendees=attendees,
        )
        for number in range(3 + months_ago):
            AdviceSlot.objects.create(
                office=gartenstadt,
                advisor=people["beratung"],
                kind=AdviceKind.PENSION,
                starts_at=_at(day, 10, 0) + timedelta(minutes=30 * number),
                ends_at=_at(day, 10, 30) + timedelta(minutes=30 * number),
                booked=True,
            )
    from . import services

    tuesday = _next_weekday(today, 1)
    services.advice_slots_publish(
        office=gartenstadt,
        advisor=people["beratung"],
        by=people["beratung"],
        kind=AdviceKind.PENSION,
        starts_at=_at(tuesday, 10),
        duration_minutes=30,
        count=4,
        weeks=8,
    )
    services.advice_slots_publish(
        office=gartenstadt,
        advisor=people["buero"],
        by=people["buero"],
        kind=AdviceKind.TENANT,
        starts_at=_at(_next_weekday(today, 3), 16),
        duration_minutes=45,
        count=2,
        weeks=4,
    )
    services.advice_slots_publish(
        office=gropiusstadt,
        advisor=people["kiez"],
        by=people["kiez"],
        kind=AdviceKind.SOCIAL,
        starts_at=_at(_next_weekday(today, 2), 14),
        duration_minutes=30,
        count=4,
        weeks=6,
    )
    requests = [
        (
            "Schimmel in der Wohnung",
            "Seit Monaten reagiert die Hausverwaltung nicht. Was kann ich tun?",
            ContactStatus.NEW,
        ),
        (
            "Bushaltestelle Raschigplatz",
            "Die Haltestelle hat keine Bank mehr. Können Sie da etwas machen?",
            ContactStatus.IN_PROGRESS,
        ),
        ("Danke für die Beratung", "Die Rentenberatung hat mir sehr geholfen!", ContactStatus.DONE),
    ]
    for subject, message, status in requests:
        ContactRequest.objects.create(
            office=gartenstadt,
            name="Demo-Bürgerin",
            email="buergerin@demo.rotesnetz.example",
            subject=subject,
            message=message,
            consent=True,
            status=status,
            assignee=people["buero"] if status != ContactStatus.NEW else None,
            done_at=clock.now() if status == ContactStatus.DONE else None,
        )


def _elections() -> None:
    for slug, filename in (
        ("lv-rlp", "synthetisch-ludwigshafen.csv"),
        ("lv-berlin", "synthetisch-berlin.csv"),
    ):
        landesverband = Gliederung.objects.filter(slug=slug).first()
        if landesverband is not None:
            election_results_import(
                landesverband=landesverband,
                data=(DATA / filename).read_bytes(),
                note=SYNTHETIC_NOTE,
            )


@transaction.atomic
def load_quartier_demo() -> list[tuple[str, str]]:
    services = {}
    for slug, name, order in SERVICES:
        services[slug], _created = Service.objects.update_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )
    offices = _offices(services)
    people = {}
    logins = []
    for local, name, roles, staff in PEOPLE:
        user = _user(local, name, staff=staff)
        people[local] = user
        for slug, role, tasks in roles:
            TeamMember.objects.update_or_create(
                office=offices[slug], user=user, defaults={"role": role, "tasks": tasks}
            )
        where = ", ".join(f"{offices[s].name}: {r.label}" for s, r, _t in roles)
        if staff:
            where += f" (Verwaltung, TOTP-Secret {DEMO_TOTP_SECRET})"
        logins.append((user.email, f"{name} – {where}"))
    mitglied = User.objects.filter(email=demo_email("mitglied")).first()
    if mitglied is not None:
        TeamMember.objects.update_or_create(
            office=offices["ludwigshafen-gartenstadt"],
            user=mitglied,
            defaults={"role": TeamRole.VOLUNTEER, "tasks": "Nachbarschaftscafé"},
        )
    _concepts(offices, people)
    _activities(offices, people)
    _elections()
    return logins


def on_demo_loaded(sender, **kwargs):
    return load_quartier_demo()
