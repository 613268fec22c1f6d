"""Demo data: a term of courses across the categories at the four demo Regionalzentren.

Connected to ``demo_loaded`` in ``apps.py``; idempotent (running the demo twice changes nothing
that is already there). Writes go through the services where a member would act.
"""

import contextlib
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rotesnetz.members.demo import DEMO_PASSWORD, demo_email
from rotesnetz.members.models import Gliederung, Membership, Regionalzentrum, User

from . import services
from .enums import AgeBand, CourseFormat, Gender, GoalDimension, ReservedGroup
from .models import (
    Category,
    Course,
    CourseSession,
    DiversityProfile,
    Enrolment,
    LearningPath,
    LearningPathStep,
)

CATEGORIES = [
    ("persoenlichkeitsentwicklung", "Persönlichkeitsentwicklung", 10),
    ("projektmanagement", "Projektmanagement", 20),
    ("digitale-kompetenz", "Digitale Kompetenz", 30),
    ("rotes-netz-schulung", "Rotes-Netz-Schulung", 40),
    ("kommunalpolitik", "Kommunalpolitik", 50),
]

# (title, category, rz slug, format, capacity, days from today of the sessions, target group,
#  description)
COURSES = [
    (
        "Moderation von Sitzungen – Grundlagen",
        "persoenlichkeitsentwicklung",
        "rz-pfalz",
        CourseFormat.PRAESENZ,
        12,
        [-30, -23],
        "Alle, die Sitzungen leiten wollen",
        "Wie Du eine Sitzung vorbereitest, leitest und auch bei Streit **zusammenhältst**.",
    ),
    (
        "Digitale Räume moderieren",
        "rotes-netz-schulung",
        "rz-pfalz",
        CourseFormat.ONLINE,
        15,
        [10, 17],
        "Moderierende und Vorstände",
        "Räume im Rotes Netz eröffnen, moderieren und auswerten – Schritt für Schritt.",
    ),
    (
        "Rhetorik für Einsteigerinnen",
        "persoenlichkeitsentwicklung",
        "rz-rheinhessen",
        CourseFormat.PRAESENZ,
        3,
        [14],
        "Frauen und neue Mitglieder",
        "Frei sprechen vor der Mitgliederversammlung: Übungen in kleiner Runde.",
    ),
    (
        "Projekte im Ortsverein planen",
        "projektmanagement",
        "rz-rheinhessen",
        CourseFormat.HYBRID,
        20,
        [21, 28, 35],
        "Vorstände und Aktive",
        "Vom Straßenfest bis zur Kampagne: Ziele, Zeitplan, Aufgaben, Nachbereitung.",
    ),
    (
        "Social Media für Ortsvereine",
        "digitale-kompetenz",
        "rz-nordbaden",
        CourseFormat.ONLINE,
        25,
        [7, 14],
        "Alle, die die Kanäle ihres OV betreuen",
        "Gute Beiträge, sichere Konten, respektvoller Umgang mit Kommentaren.",
    ),
    (
        "Kommunalwahl: Kandidieren, aber wie?",
        "kommunalpolitik",
        "rz-stuttgart",
        CourseFormat.PRAESENZ,
        18,
        [30],
        "Junge Menschen, Frauen, Neumitglieder",
        "Was ein Mandat bedeutet, wie Listen entstehen und wie Du Dich aufstellen lässt.",
    ),
    (
        "Rotes Netz: erste Schritte",
        "rotes-netz-schulung",
        "rz-stuttgart",
        CourseFormat.ONLINE,
        40,
        [5],
        "Alle Mitglieder",
        "Anmelden, Mein Netz, Räume, Parteischule: eine Stunde zum Ausprobieren.",
    ),
]


def _user(local: str, name: str) -> User:
    email = demo_email(local)
    user = User.objects.filter(email=email).first() or User(email=email)
    user.display_name = name
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _at(day: int, hour: int) -> datetime:
    date = timezone.localdate() + timedelta(days=day)
    return timezone.make_aware(datetime.combine(date, time(hour, 0)))


def on_demo_loaded(sender, **kwargs) -> list[tuple[str, str]]:
    return load_demo()


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    categories = {}
    for slug, name, order in CATEGORIES:
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )
    trainerin = _user("trainerin", "Tanja Trainerin")
    participants = [_user(f"teilnehmerin{n}", f"Teilnehmerin {n}") for n in range(1, 5)]
    gartenstadt = Gliederung.objects.filter(slug="ov-ludwigshafen-gartenstadt").first()
    for person in participants:
        if gartenstadt is not None:
            Membership.objects.get_or_create(user=person, gliederung=gartenstadt)
    for person, band, gender in zip(
        participants,
        [AgeBand.UNDER_25, AgeBand.FROM_25_TO_34, AgeBand.FROM_35_TO_49, AgeBand.FROM_50_TO_64],
        [Gender.WOMAN, Gender.WOMAN, Gender.MAN, Gender.WOMAN],
        strict=True,
    ):
        if not DiversityProfile.objects.filter(user=person).exists():
            services.diversity_declare(user=person, age_band=band, gender=gender, consent=True)

    courses = {}
    for title, category, rz_slug, course_format, capacity, days, target, text in COURSES:
        zentrum = Regionalzentrum.objects.select_related("landesverband").get(slug=rz_slug)
        first = min(days)
        course, _ = Course.objects.update_or_create(
            title=title,
            regionalzentrum=zentrum,
            defaults={
                "category": categories[category],
                "description": text,
                "target_group": target,
                "format": course_format,
                "landesverband": zentrum.landesverband,
                "place": "" if course_format == CourseFormat.ONLINE else f"{zentrum.name}, Saal 1",
                "capacity": capacity,
                "enrolment_opens_at": _at(first - 40, 8),
                "enrolment_closes_at": _at(first - 1, 12),
                "is_published": True,
            },
        )
        course.trainers.add(trainerin)
        for number, day in enumerate(sorted(days), start=1):
            CourseSession.objects.update_or_create(
                course=course,
                title=f"Teil {number}" if len(days) > 1 else "",
                defaults={
                    "starts_at": _at(day, 18),
                    "ends_at": _at(day, 21),
                    "video_url": (
                        f"https://video.rotesnetz.example/kurs-{course.pk}"
                        if course_format != CourseFormat.PRAESENZ
                        else ""
                    ),
                },
            )
        services.course_bounds_refresh(course)
        courses[title] = course

    rhetorik = courses["Rhetorik für Einsteigerinnen"]
    Course.objects.filter(pk=rhetorik.pk).update(
        reserved_seats=1, reserved_for=ReservedGroup.WOMEN, reserved_until=_at(7, 12)
    )
    moderation = courses["Digitale Räume moderieren"]
    moderation.prerequisites.set([courses["Moderation von Sitzungen – Grundlagen"]])

    # A finished course the demo member completed: certificate and learning-path progress.
    mitglied = User.objects.filter(email=demo_email("mitglied")).first()
    basics = courses["Moderation von Sitzungen – Grundlagen"]
    if mitglied is not None:
        for person in [mitglied, *participants[:2]]:
            _enrol(basics, person, now=basics.enrolment_opens_at + timedelta(hours=1))
        for session in basics.sessions.all():
            services.attendance_record(
                session=session,
                by=trainerin,
                present_ids=set(
                    Enrolment.objects.filter(course=basics, status="enrolled").values_list(
                        "id", flat=True
                    )
                ),
            )
    # A full course with a waitlist.
    for person in participants:
        _enrol(rhetorik, person)
    if mitglied is not None:
        _enrol(courses["Projekte im Ortsverein planen"], mitglied)

    path, _ = LearningPath.objects.update_or_create(
        slug="moderation",
        defaults={
            "title": "Moderation im Rotes Netz",
            "description": "Zwei Kurse: Sitzungen leiten und digitale Räume moderieren.",
            "qualification_code": "moderation",
            "qualification_label": "Moderation",
        },
    )
    for order, title in enumerate(
        ["Moderation von Sitzungen – Grundlagen", "Digitale Räume moderieren"]
    ):
        LearningPathStep.objects.update_or_create(
            path=path, course=courses[title], defaults={"order": order}
        )

    staff = User.objects.filter(email=demo_email("staff")).first()
    rlp = Gliederung.objects.filter(slug="lv-rlp").first()
    if staff is not None and rlp is not None:
        year = timezone.localdate().year
        services.goal_set(
            by=staff, year=year, dimension=GoalDimension.WOMEN, target_percent=50, scope=rlp
        )
        services.goal_set(
            by=staff, year=year, dimension=GoalDimension.UNDER_35, target_percent=30, scope=rlp
        )
    return [
        (trainerin.email, "Tanja Trainerin – Trainerin aller Demo-Kurse der Parteischule"),
        (participants[0].email, "Teilnehmerin 1 – Parteischule, Angaben zur Vielfalt gemacht"),
    ]


def _enrol(course: Course, user: User, now=None) -> None:
    with contextlib.suppress(ValidationError):  # already registered: the demo ran before
        services.course_enrol(course=course, user=user, now=now)
