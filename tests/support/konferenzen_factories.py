"""Factories for conferences: plain functions, as in ``factories.py``."""

import itertools
import secrets
from datetime import timedelta

from django.utils import timezone

from konferenzen import scheduling
from konferenzen.enums import Audience, Format, MailPurpose, Provider, RegistrationStatus
from konferenzen.models import Conference, DialIn, Question, Registration, Series
from rotesnetz.members.models import Gliederung, GliederungKind
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_gliederung, make_tree

_counter = itertools.count(1)

# Values a test can look for: none of them may ever show up where outsiders look.
SECRET_DIAL_IN = {
    "provider": Provider.ZOOM,
    "join_url": "https://zoom.us/j/98765432101?pwd=GeheimesZugangsWort",
    "meeting_number": "987 6543 2101",
    "password": "Sesam-4711",
    "phone_numbers": "Deutschland: +49 69 3807 9883\nÖsterreich: +43 1 2535 5035",
    "access_code": "98765432101#",
}


def make_series(*, gliederung: Gliederung | None = None, title: str = "") -> Series:
    number = next(_counter)
    gliederung = gliederung or make_gliederung(kind=GliederungKind.LANDESVERBAND)
    return Series.objects.create(
        title=title or f"Dialogtour {number}", slug=f"reihe-{number}", gliederung=gliederung
    )


def make_conference(
    *,
    gliederung: Gliederung | None = None,
    starts_in: timedelta = timedelta(days=10),
    duration: timedelta = timedelta(hours=1, minutes=30),
    format: str = Format.WEB,
    audience: str = Audience.PUBLIC,
    dial_in: dict | None = None,
    title: str = "",
    **fields,
) -> Conference:
    number = next(_counter)
    gliederung = gliederung or make_gliederung(kind=GliederungKind.LANDESVERBAND)
    starts_at = fields.pop("starts_at", None) or (timezone.now() + starts_in).replace(
        second=0, microsecond=0
    )
    conference = Conference(
        title=title or f"Webkonferenz {number}",
        slug=f"konferenz-{number}",
        topic=fields.pop("topic", "Mobilität"),
        format=format,
        gliederung=gliederung,
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", None) or starts_at + duration,
        audience=audience,
        venue=fields.pop("venue", "Bürgerhaus, Hauptstraße 1" if format != Format.WEB else ""),
        **fields,
    )
    conference.dial_in_send_at = scheduling.dial_in_send_at(
        starts_at=conference.starts_at,
        timing=conference.dial_in_timing,
        days_before=conference.dial_in_days_before,
        custom_at=conference.dial_in_custom_at,
    )
    conference.save()
    values = dict(SECRET_DIAL_IN) if dial_in is None else dial_in
    if format == Format.ZUKUNFT:
        values = {}
    DialIn.objects.create(conference=conference, **values)
    return conference


def make_registration(
    conference: Conference,
    *,
    user=None,
    email: str = "",
    status: str = RegistrationStatus.CONFIRMED,
) -> Registration:
    if user is None and not email:
        email = f"gast{next(_counter)}@example.org"
    return Registration.objects.create(
        conference=conference,
        user=user,
        email="" if user else email,
        name="" if user else "Gast",
        status=status,
        token=secrets.token_urlsafe(32),
        confirmed_at=timezone.now() if status == RegistrationStatus.CONFIRMED else None,
    )


def make_guest_registrants(conference: Conference, count: int, *, prefix: str = "teilnehmer"):
    """Many confirmed guest registrations in one insert (for dispatch tests and benchmarks)."""
    now = timezone.now()
    return Registration.objects.bulk_create(
        [
            Registration(
                conference=conference,
                email=f"{prefix}{number}@example.org",
                name=f"Teilnehmer {number}",
                status=RegistrationStatus.CONFIRMED,
                token=secrets.token_urlsafe(32),
                confirmed_at=now,
            )
            for number in range(count)
        ]
    )


def make_question(registration: Registration, text: str = "Wann kommt der Bus?", **fields):
    return Question.objects.create(
        conference=registration.conference, registration=registration, text=text, **fields
    )


def make_due_conference(registrants: int, **fields) -> Conference:
    """A conference with that many confirmed guests whose dial-in mail is due now."""
    tree = make_tree()
    conference = make_conference(gliederung=tree["lv"], **fields)
    make_guest_registrants(conference, registrants)
    # The Monday before has come: the dial-in mail is due.
    Conference.objects.filter(pk=conference.pk).update(
        dial_in_send_at=timezone.now() - timedelta(minutes=1)
    )
    return conference


def dial_in_rows(conference: Conference, **filters):
    """The outbox rows of the conference's dial-in mails."""
    return OutboundMail.objects.filter(
        related=conference.related_key, purpose=MailPurpose.DIAL_IN, **filters
    )
