"""Factories for the Parteischule: plain functions, like tests/support/factories.py."""

import itertools
import re
import zlib
from datetime import timedelta

from django.utils import timezone

from parteischule import services
from parteischule.enums import CourseFormat, EnrolmentStatus
from parteischule.models import Category, Course, CourseSession, DiversityProfile, Enrolment
from rotesnetz.members.models import GliederungKind, Regionalzentrum
from tests.support.factories import make_gliederung, make_staff, make_user

_counter = itertools.count(1)


def make_category(name: str = "") -> Category:
    number = next(_counter)
    return Category.objects.create(name=name or f"Kategorie {number}", slug=f"kat-{number}")


def make_zentrum(*, landesverband=None, name: str = "") -> Regionalzentrum:
    number = next(_counter)
    landesverband = landesverband or make_gliederung(kind=GliederungKind.LANDESVERBAND)
    return Regionalzentrum.objects.create(
        name=name or f"Regionalzentrum {number}", slug=f"rz-{number}", landesverband=landesverband
    )


def make_course(
    *,
    zentrum: Regionalzentrum | None = None,
    category: Category | None = None,
    capacity: int = 10,
    sessions: int = 1,
    trainers=(),
    starts_in: timedelta = timedelta(days=14),
    video_url: str = "",
    **fields,
) -> Course:
    """A published course, enrolment open now, with ``sessions`` weekly sessions."""
    number = next(_counter)
    now = timezone.now()
    zentrum = zentrum or make_zentrum()
    defaults = {
        "title": f"Kurs {number}",
        "description": "Ein **guter** Kurs.",
        "category": category or make_category(),
        "format": CourseFormat.ONLINE if video_url else CourseFormat.PRAESENZ,
        "regionalzentrum": zentrum,
        "landesverband": zentrum.landesverband,
        "capacity": capacity,
        "enrolment_opens_at": now - timedelta(days=1),
        "enrolment_closes_at": now + starts_in - timedelta(hours=1),
        "is_published": True,
    }
    course = Course.objects.create(**{**defaults, **fields})
    course.trainers.set(trainers)
    for index in range(sessions):
        start = now + starts_in + timedelta(days=7 * index)
        make_session(course, starts_at=start, video_url=video_url, title=f"Teil {index + 1}")
    return course


def make_session(course: Course, *, starts_at=None, hours: int = 3, **fields) -> CourseSession:
    starts_at = starts_at or timezone.now() + timedelta(days=14)
    session = CourseSession.objects.create(
        course=course, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )
    services.course_bounds_refresh(course)
    return session


def make_trainer() -> object:
    return make_user(name="Trainerin")


def make_course_staff(course: Course):
    return make_staff(regionalzentrum=course.regionalzentrum)


def enrol(course: Course, user=None, **kwargs) -> Enrolment:
    return services.course_enrol(course=course, user=user or make_user(), **kwargs)


def fill(course: Course, count: int | None = None) -> list[Enrolment]:
    """Enrol ``count`` new people (default: as many as there are seats)."""
    return [enrol(course) for _ in range(course.capacity if count is None else count)]


def declare(user, *, gender: str = "", age_band: str = "") -> DiversityProfile:
    return services.diversity_declare(user=user, gender=gender, age_band=age_band, consent=True)


def complete(course: Course, enrolment: Enrolment, *, by) -> Enrolment:
    """Mark ``enrolment`` present at every session of ``course``."""
    for session in course.sessions.all():
        present = set(session.attendances.values_list("enrolment_id", flat=True))
        services.attendance_record(session=session, by=by, present_ids=present | {enrolment.pk})
    enrolment.refresh_from_db()
    return enrolment


def enrolled_count(course: Course) -> int:
    return Enrolment.objects.filter(course=course, status=EnrolmentStatus.ENROLLED).count()


def pdf_text(pdf: bytes) -> str:
    """The text of an fpdf2 PDF (core fonts, Latin-1): inflate its content streams."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            text.append(stream.decode("latin-1"))
    return "".join(text)
