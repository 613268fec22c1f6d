"""Demo: the dialogue tour of a lead candidate (three web conferences) and a regional
Zukunftskonferenz. Loaded by ``manage.py demo`` through the core's ``demo_loaded`` signal."""

import secrets
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rotesnetz.members.demo import demo_email
from rotesnetz.members.models import Gliederung, User

from . import scheduling
from .enums import Audience, ContributorRole, Format, Provider, RegistrationStatus
from .models import (
    Conference,
    Contributor,
    DialIn,
    Question,
    QuestionSupport,
    QuestionTopic,
    Registration,
    Series,
)
from .services import jitsi_url

SERIES_SLUG = "dialogtour-lena-hartmann"


def _next_weekday(after: date, weekday: int) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def _conference(slug: str, **fields) -> Conference:
    conference, _created = Conference.objects.update_or_create(slug=slug, defaults=fields)
    conference.dial_in_send_at = scheduling.dial_in_send_at(
        starts_at=conference.starts_at, timing=conference.dial_in_timing
    )
    conference.save(update_fields=["dial_in_send_at"])
    return conference


def _dial_in(conference: Conference, **fields) -> None:
    DialIn.objects.update_or_create(conference=conference, defaults=fields)


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    lv = Gliederung.objects.get(slug="lv-rlp")
    ub = Gliederung.objects.get(slug="ub-ludwigshafen")
    staff = User.objects.get(email=demo_email("staff"))
    moderator = User.objects.get(email=demo_email("moderation"))
    member = User.objects.get(email=demo_email("mitglied"))
    vorstand = User.objects.get(email=demo_email("vorstand"))

    series, _created = Series.objects.update_or_create(
        slug=SERIES_SLUG,
        defaults={
            "title": "Dialogtour mit Lena Hartmann",
            "gliederung": lv,
            "description": (
                "Unsere Spitzenkandidatin **Lena Hartmann** im Gespräch mit euch: drei "
                "Webkonferenzen zu den Themen, die Rheinland-Pfalz bewegen. Eure Fragen könnt "
                "ihr vorab einreichen."
            ),
        },
    )
    series.moderators.add(moderator)
    Contributor.objects.update_or_create(
        series=series,
        name="Lena Hartmann",
        defaults={"role": ContributorRole.HOST, "description": "Spitzenkandidatin", "order": 0},
    )
    Contributor.objects.update_or_create(
        series=series,
        name="Mona Moderation",
        defaults={"role": ContributorRole.MODERATION, "order": 1},
    )

    today = timezone.localdate()
    wednesday = _next_weekday(today + timedelta(days=7), 2)
    common = {
        "series": series,
        "gliederung": lv,
        "format": Format.WEB,
        "created_by": staff,
        "status": "scheduled",
    }
    topics = [
        (
            "dialogtour-mobilitaet",
            "Dialogtour: Mobilität",
            "Mobilität",
            wednesday,
            Audience.PUBLIC,
            {
                "provider": Provider.ZOOM,
                "join_url": "https://zoom.us/j/81234567890?pwd=DemoDemoDemo",
                "meeting_number": "812 3456 7890",
                # A made-up meeting password of the demo conference, shown to demo users.
                "password": "Bus2030",  # nosec B105
                "phone_numbers": "Deutschland: +49 69 7104 9922\nDeutschland: +49 30 5679 5800",
                "access_code": "81234567890#",
            },
            ("Prof. Dr. Jana Weber", "Verkehrswissenschaftlerin"),
        ),
        (
            "dialogtour-bildung",
            "Dialogtour: Bildung",
            "Bildung",
            wednesday + timedelta(days=7),
            Audience.LANDESVERBAND,
            {"provider": Provider.JITSI, "join_url": ""},
            ("Ahmet Yilmaz", "Schulleiter einer Gesamtschule"),
        ),
        (
            "dialogtour-arbeit-im-wandel",
            "Dialogtour: Arbeit im Wandel",
            "Arbeit im Wandel",
            wednesday + timedelta(days=14),
            Audience.LANDESVERBAND,
            {
                "provider": Provider.BBB,
                "join_url": "https://bbb.rotesnetz.example/b/dia-log-tour",
                "access_code": "",
            },
            ("Petra Schneider", "Betriebsratsvorsitzende"),
        ),
    ]
    conferences = []
    for slug, title, topic, day, audience, dial_in, (speaker, about) in topics:
        conference = _conference(
            slug,
            title=title,
            topic=topic,
            description=(
                f"Lena Hartmann spricht mit euch über **{topic}**. Mit dabei: {speaker} "
                f"({about}). Stellt eure Fragen vorab – die meistunterstützten kommen zuerst dran."
            ),
            starts_at=scheduling.local_at(day, time(19, 0)),
            ends_at=scheduling.local_at(day, time(20, 30)),
            audience=audience,
            capacity=500,
            **common,
        )
        if dial_in["provider"] == Provider.JITSI:
            existing = DialIn.objects.filter(conference=conference).first()
            dial_in["join_url"] = (
                existing.join_url if existing and existing.join_url else jitsi_url(title)
            )
        _dial_in(conference, **dial_in)
        Contributor.objects.update_or_create(
            conference=conference,
            name=speaker,
            defaults={"role": ContributorRole.SPEAKER, "description": about},
        )
        conferences.append(conference)

    saturday = _next_weekday(wednesday, 5)
    zukunft = _conference(
        "zukunftskonferenz-pfalz-2030",
        title="Zukunftskonferenz Pfalz 2030",
        topic="Wie wollen wir 2030 in der Pfalz leben?",
        description=(
            "Einen Tag lang arbeiten wir in Werkstätten an Ideen für Wohnen, Arbeit und "
            "Zusammenhalt in der Region. Für Essen und Kinderbetreuung ist gesorgt."
        ),
        format=Format.ZUKUNFT,
        series=None,
        gliederung=ub,
        starts_at=scheduling.local_at(saturday, time(10, 0)),
        ends_at=scheduling.local_at(saturday, time(16, 0)),
        audience=Audience.GLIEDERUNGEN,
        capacity=150,
        venue="Pfalzbau, Berliner Straße 30, 67059 Ludwigshafen am Rhein",
        created_by=staff,
        status="scheduled",
    )
    zukunft.audience_gliederungen.set([ub])
    _dial_in(zukunft, provider="", join_url="")

    # Maria is registered for the first web conference and asked a question; Volker supports it.
    mobility = conferences[0]
    registrations = {}
    for user in (member, vorstand):
        registration, _created = Registration.objects.get_or_create(
            conference=mobility,
            user=user,
            defaults={
                "token": secrets.token_urlsafe(32),
                "status": RegistrationStatus.CONFIRMED,
                "confirmed_at": timezone.now(),
            },
        )
        registrations[user.pk] = registration
    topic, _created = QuestionTopic.objects.get_or_create(conference=mobility, name="ÖPNV")
    question, created = Question.objects.get_or_create(
        conference=mobility,
        registration=registrations[member.pk],
        text="Wann fährt der Bus in der Gartenstadt wieder im 15-Minuten-Takt?",
        defaults={"topic": topic},
    )
    _support, supported = QuestionSupport.objects.get_or_create(
        question=question, registration=registrations[vorstand.pk]
    )
    if supported:
        Question.objects.filter(pk=question.pk).update(support_count=F("support_count") + 1)
    Question.objects.get_or_create(
        conference=mobility,
        registration=registrations[vorstand.pk],
        text="Wie wird das Deutschlandticket dauerhaft finanziert?",
    )

    return [
        (staff.email, "Konferenzen: plant die Dialogtour unter /konferenzen/verwaltung/"),
        (moderator.email, "Konferenzen: moderiert die Fragen der Dialogtour (live)"),
        (member.email, "Konferenzen: angemeldet zur Dialogtour Mobilität"),
    ]


def on_demo_loaded(sender, **kwargs) -> list[tuple[str, str]]:
    return load_demo()
