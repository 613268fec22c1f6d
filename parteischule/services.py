"""Every write of the Parteischule. Views, tasks, the admin and the demo call these.

Seats are decided under a row lock on the course (``select_for_update``): enrolments,
cancellations, releases of reserved seats and capacity changes of one course run one after
another, so the capacity is never exceeded, also when many people enrol at the same moment.
Mails go through the outbox inside the same transaction, one row per person and purpose.
"""

import logging
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rotesnetz import ics
from rotesnetz.dates import format_moment
from rotesnetz.members.models import Gliederung, Membership, Regionalzentrum, User
from rotesnetz.members.services import qualification_award
from rotesnetz.outbox.services import Attachment, MailSpec, mail_enqueue, mail_enqueue_many

from .consents import diversity_consent_text
from .enums import (
    UNDER_35_BANDS,
    ConsentAction,
    EnrolmentStatus,
    Gender,
    GoalDimension,
    ReservedGroup,
)
from .models import (
    Attendance,
    Certificate,
    Course,
    CourseMessage,
    CourseSession,
    DiversityConsentLog,
    DiversityGoal,
    DiversityProfile,
    Enrolment,
    Feedback,
    LearningPath,
)
from .rules import is_course_lead, is_course_staff, is_goal_staff

logger = logging.getLogger(__name__)

S = EnrolmentStatus
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _when(moment) -> str:
    return format_moment(moment, "day_datetime")


# --- Seats -------------------------------------------------------------------------------------


def member_in_group(*, user: User, group: str, now=None) -> bool:
    """Whether ``user`` belongs to the group a course holds seats for."""
    now = now or timezone.now()
    if group == ReservedGroup.NEW_MEMBERS:
        days = settings.PARTEISCHULE_NEW_MEMBER_DAYS
        first = (
            Membership.objects.filter(user=user).order_by("created_at").values("created_at").first()
        )
        return first is not None and first["created_at"] >= now - timedelta(days=days)
    profile = DiversityProfile.objects.filter(user=user).first()
    if profile is None:
        return False
    if group == ReservedGroup.WOMEN:
        return profile.gender == Gender.WOMAN
    if group == ReservedGroup.UNDER_35:
        return profile.age_band in UNDER_35_BANDS
    return False


class _Seats:
    """The seat count of a locked course: reserved and general pool while a reservation holds."""

    def __init__(self, course: Course, now):
        self.course = course
        self.now = now
        counts = Enrolment.objects.filter(course=course, status=S.ENROLLED).aggregate(
            reserved=Count("id", filter=Q(reserved_seat=True)),
            general=Count("id", filter=Q(reserved_seat=False)),
        )
        self.reserved = counts["reserved"]
        self.general = counts["general"]
        self.reservation = course.reservation_active(now)

    @property
    def taken(self) -> int:
        return self.reserved + self.general

    def any_free(self) -> bool:
        return self.taken < self.course.capacity

    def seat_for(self, user: User) -> str | None:
        """Which seat ``user`` gets now: "reserved", "general" or None (none free)."""
        course = self.course
        if not self.reservation:
            return "general" if self.taken < course.capacity else None
        if self.reserved < course.reserved_seats and member_in_group(
            user=user, group=course.reserved_for, now=self.now
        ):
            return "reserved"
        if self.general < course.capacity - course.reserved_seats:
            return "general"
        return None

    def take(self, seat: str) -> None:
        if seat == "reserved":
            self.reserved += 1
        else:
            self.general += 1


def _lock_course(course_id: int) -> Course:
    return (
        Course.objects.select_for_update(of=("self",))
        .select_related("landesverband", "regionalzentrum", "category")
        .get(pk=course_id)
    )


def prerequisites_missing(course: Course, user: User) -> list[Course]:
    """The courses ``user`` still has to complete before enrolling in ``course``."""
    required = list(course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrolment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return [prerequisite for prerequisite in required if prerequisite.pk not in done]


def course_enrol(*, course: Course, user: User, now=None) -> Enrolment:
    """Enrol ``user``: a seat if one is free for them, else a place on the waitlist.

    Raises ValidationError (German, for the member) and changes nothing when the course is not
    open, the window is closed, prerequisites are missing, or the person is already in.
    """
    now = now or timezone.now()
    with transaction.atomic():
        course = _lock_course(course.pk)
        if not course.is_published:
            raise ValidationError(_("This course is not open for enrolment."))
        if now < course.enrolment_opens_at:
            raise ValidationError(
                _("Enrolment for this course opens on %(date)s.")
                % {"date": _when(course.enrolment_opens_at)}
            )
        if now > course.enrolment_closes_at:
            raise ValidationError(
                _("Enrolment for this course closed on %(date)s.")
                % {"date": _when(course.enrolment_closes_at)}
            )
        existing = Enrolment.objects.filter(course=course, user=user).exclude(status=S.CANCELLED)
        existing = existing.first()
        if existing is not None:
            if existing.status == S.ENROLLED:
                raise ValidationError(_("You are already enrolled in this course."))
            raise ValidationError(_("You are already on the waitlist of this course."))
        if course.trainers.filter(pk=user.pk).exists():
            raise ValidationError(_("You are a trainer of this course and cannot enrol in it."))
        missing = prerequisites_missing(course, user)
        if missing:
            raise ValidationError(
                _("This course requires that you have completed first: %(courses)s.")
                % {"courses": ", ".join(str(c) for c in missing)}
            )
        seat = _Seats(course, now).seat_for(user)
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    course=course,
                    user=user,
                    status=S.ENROLLED if seat else S.WAITLISTED,
                    reserved_seat=seat == "reserved",
                    enrolled_at=now if seat else None,
                    waitlisted_at=None if seat else now,
                )
        except IntegrityError:
            raise ValidationError(_("You are already registered for this course.")) from None
        if seat:
            _mail_seat(enrolment, template="enrolment_confirmed", purpose="confirm")
        else:
            _mail_waitlisted(enrolment)
    logger.info(
        "course %s: user %s %s (%s seat)", course.pk, user.pk, enrolment.status, seat or "no"
    )
    return enrolment


def waitlist_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != S.WAITLISTED:
        return None
    ahead = Enrolment.objects.filter(course_id=enrolment.course_id, status=S.WAITLISTED).filter(
        Q(waitlisted_at__lt=enrolment.waitlisted_at)
        | Q(waitlisted_at=enrolment.waitlisted_at, id__lt=enrolment.pk)
    )
    return ahead.count() + 1


def _fill_free_seats(course: Course, now) -> list[Enrolment]:
    """Move people up from the waitlist while seats are free. The course must be locked."""
    if course.first_session_at is not None and now >= course.first_session_at:
        return []
    seats = _Seats(course, now)
    promoted: list[Enrolment] = []
    if not seats.any_free():
        return promoted
    waitlist = (
        Enrolment.objects.filter(course=course, status=S.WAITLISTED)
        .select_related("user", "course")
        .order_by("waitlisted_at", "id")
    )
    for enrolment in waitlist:
        if not seats.any_free():
            break
        seat = seats.seat_for(enrolment.user)
        if seat is None:
            continue  # only reserved seats are free, and this person is not in the group
        seats.take(seat)
        enrolment.status = S.ENROLLED
        enrolment.reserved_seat = seat == "reserved"
        enrolment.enrolled_at = enrolment.promoted_at = now
        enrolment.save(update_fields=["status", "reserved_seat", "enrolled_at", "promoted_at"])
        _mail_seat(enrolment, template="enrolment_promoted", purpose="promoted")
        promoted.append(enrolment)
        logger.info("course %s: user %s moved up from the waitlist", course.pk, enrolment.user_id)
    return promoted


def enrolment_cancel(*, enrolment: Enrolment, by: User, now=None) -> list[Enrolment]:
    """Cancel an enrolment or leave the waitlist; returns the people who moved up.

    Members cancel their own seat until the deadline; trainers and course staff any time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        course = _lock_course(enrolment.course_id)
        enrolment = Enrolment.objects.select_related("user").get(pk=enrolment.pk)
        own = enrolment.user_id == by.pk
        if not own and not is_course_lead(by, course):
            raise PermissionDenied
        if enrolment.status == S.CANCELLED:
            raise ValidationError(_("This registration has already been cancelled."))
        if enrolment.completed_at is not None:
            raise ValidationError(_("You have completed this course; it cannot be cancelled."))
        deadline = course.effective_cancellation_deadline
        if own and enrolment.status == S.ENROLLED and deadline is not None and now > deadline:
            raise ValidationError(
                _(
                    "You could cancel until %(date)s. Please write to the trainers if you "
                    "cannot come."
                )
                % {"date": _when(deadline)}
            )
        was_enrolled = enrolment.status == S.ENROLLED
        enrolment.status = S.CANCELLED
        enrolment.cancelled_at = now
        enrolment.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_free_seats(course, now) if was_enrolled else []
    logger.info("course %s: enrolment %s cancelled by user %s", course.pk, enrolment.pk, by.pk)
    return promoted


def enrolments_withdraw(*, user: User, now=None) -> int:
    """The person's account is deleted: their seats and waitlist places free up at once (no
    deadline applies), and the waitlist moves up as after any cancellation."""
    now = now or timezone.now()
    withdrawn = 0
    active = Enrolment.objects.filter(user=user, status__in=[S.ENROLLED, S.WAITLISTED])
    for enrolment_id, course_id in active.values_list("pk", "course_id"):
        with transaction.atomic():
            course = _lock_course(course_id)
            enrolment = Enrolment.objects.get(pk=enrolment_id)
            if enrolment.completed_at is not None:
                continue
            was_enrolled = enrolment.status == S.ENROLLED
            enrolment.status = S.CANCELLED
            enrolment.cancelled_at = now
            enrolment.save(update_fields=["status", "cancelled_at"])
            if was_enrolled:
                _fill_free_seats(course, now)
            withdrawn += 1
    return withdrawn


def reserved_seats_release(*, now=None) -> int:
    """Give reserved seats that are still free to everyone once their date has passed."""
    now = now or timezone.now()
    due = list(
        Course.objects.filter(
            reserved_seats__gt=0, reserved_released_at__isnull=True, reserved_until__lte=now
        ).values_list("id", flat=True)
    )
    released = 0
    for course_id in due:
        with transaction.atomic():
            course = _lock_course(course_id)
            if course.reserved_released_at is not None:
                continue
            course.reserved_released_at = now
            course.save(update_fields=["reserved_released_at"])
            _fill_free_seats(course, now)
            released += 1
    if released:
        logger.info("reserved seats released in %d courses", released)
    return released


# --- Mails and calendars ----------------------------------------------------------------------


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "rotesnetz.example"


def course_calendar(*, course: Course, with_video: bool) -> str:
    """An iCalendar file with every session; video links only when ``with_video``."""
    url = settings.SITE_URL + reverse("parteischule:course", args=[course.pk])
    events = []
    for session in course.sessions.all():
        summary = f"{course.title}: {session.title}" if session.title else course.title
        description = url
        conferences = []
        if with_video and session.video_url:
            conferences.append(ics.Conference(uri=session.video_url, label=_("Video link")))
            description = _("Video link: %(url)s") % {"url": session.video_url} + f"\n{url}"
        events.append(
            ics.Event(
                uid=f"parteischule-session-{session.pk}@{_site_host()}",
                start=session.starts_at,
                end=session.ends_at,
                summary=summary,
                description=description,
                location=session.location or course.place,
                url=url,
                sequence=session.sequence,
                conferences=conferences,
            )
        )
    return ics.calendar(events, method="PUBLISH", name=course.title)


def _course_context(course: Course) -> dict:
    return {
        "course": course,
        "sessions": list(course.sessions.all()),
        "path": reverse("parteischule:course", args=[course.pk]),
    }


def _mail_seat(enrolment: Enrolment, *, template: str, purpose: str) -> None:
    course = enrolment.course
    calendar = course_calendar(course=course, with_video=True)
    mail_enqueue(
        MailSpec(
            key=f"parteischule:{purpose}:{enrolment.pk}",
            to=enrolment.user.email,
            template=f"parteischule/{template}",
            context={**_course_context(course), "user": enrolment.user, "with_video": True},
            purpose=f"parteischule.{purpose}",
            related=f"course:{course.pk}",
            attachments=[
                Attachment(
                    filename="kurs.ics",
                    content=calendar,
                    mimetype="text/calendar; charset=utf-8; method=PUBLISH",
                )
            ],
        )
    )


def _mail_waitlisted(enrolment: Enrolment) -> None:
    course = enrolment.course
    mail_enqueue(
        MailSpec(
            key=f"parteischule:waitlist:{enrolment.pk}",
            to=enrolment.user.email,
            template="parteischule/enrolment_waitlisted",
            context={
                **_course_context(course),
                "user": enrolment.user,
                "position": waitlist_position(enrolment),
            },
            purpose="parteischule.waitlist",
            related=f"course:{course.pk}",
        )
    )


def reminders_send(*, now=None) -> int:
    """Remind every enrolled person of a session in the next 24 hours, once per session.

    The outbox key ``parteischule:reminder:<session>:<user>`` makes a second run (or a second
    beat) harmless. Returns how many new mails were queued.
    """
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.PARTEISCHULE_REMINDER_HOURS)
    sessions = (
        CourseSession.objects.filter(
            starts_at__gt=now, starts_at__lte=horizon, course__is_published=True
        )
        .select_related("course")
        .order_by("starts_at")
    )
    queued = 0
    for session in sessions:
        enrolments = Enrolment.objects.filter(course=session.course, status=S.ENROLLED)
        enrolments = enrolments.select_related("user")
        with transaction.atomic():
            queued += len(
                mail_enqueue_many(
                    [
                        MailSpec(
                            key=f"parteischule:reminder:{session.pk}:{enrolment.user_id}",
                            to=enrolment.user.email,
                            template="parteischule/session_reminder",
                            context={
                                **_course_context(session.course),
                                "session": session,
                                "user": enrolment.user,
                            },
                            purpose="parteischule.reminder",
                            related=f"course:{session.course_id}",
                        )
                        for enrolment in enrolments
                    ]
                )
            )
    return queued


def course_message_send(
    *, course: Course, by: User, subject: str, body: str, include_waitlist: bool = False
) -> CourseMessage:
    """One mail per participant through the outbox; the message is kept for the record."""
    if not is_course_lead(by, course):
        raise PermissionDenied
    subject = " ".join(subject.split())
    if not subject or not body.strip():
        raise ValidationError(_("Please write a subject and a text."))
    if len(subject) > 150 or len(body) > 5000 or "\x00" in subject + body:
        raise ValidationError(_("The subject or the text is too long or not allowed."))
    statuses = [S.ENROLLED, S.WAITLISTED] if include_waitlist else [S.ENROLLED]
    recipients = list(
        Enrolment.objects.filter(course=course, status__in=statuses).select_related("user")
    )
    if not recipients:
        raise ValidationError(_("Nobody is registered for this course yet."))
    with transaction.atomic():
        message = CourseMessage.objects.create(
            course=course,
            author=by,
            subject=subject,
            body=body.strip(),
            include_waitlist=include_waitlist,
            recipient_count=len(recipients),
        )
        mail_enqueue_many(
            [
                MailSpec(
                    key=f"parteischule:message:{message.pk}:{enrolment.user_id}",
                    to=enrolment.user.email,
                    template="parteischule/course_message",
                    context={
                        **_course_context(course),
                        "message": message,
                        "author": by,
                        "user": enrolment.user,
                    },
                    purpose="parteischule.message",
                    related=f"course:{course.pk}",
                )
                for enrolment in recipients
            ]
        )
    logger.info("course %s: message %s to %d people", course.pk, message.pk, len(recipients))
    return message


# --- Courses and sessions ----------------------------------------------------------------------


def course_bounds_refresh(course: Course) -> None:
    """Keep first_session_at and last_session_at in step with the sessions."""
    bounds = course.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    course.first_session_at = bounds["first"]
    course.last_session_at = bounds["last"]
    course.save(update_fields=["first_session_at", "last_session_at", "updated_at"])


def course_save(
    *, course: Course, by: User, trainers: list[User], prerequisites: list[Course] | None = None
) -> Course:
    """Create or update a course. Staff create; trainers and staff edit."""
    creating = course.pk is None
    if course.regionalzentrum_id:
        course.landesverband = course.regionalzentrum.landesverband
    allowed = by.is_superuser or (
        is_course_staff(by, course) if creating else is_course_lead(by, course)
    )
    if not allowed:
        raise PermissionDenied
    prerequisites = [p for p in (prerequisites or []) if p.pk != course.pk]
    with transaction.atomic():
        if not creating:
            locked = _lock_course(course.pk)
            enrolled = Enrolment.objects.filter(course=locked, status=S.ENROLLED).count()
            if course.capacity < enrolled:
                raise ValidationError(
                    _(
                        "%(count)d people are already enrolled; the course needs at least as "
                        "many seats."
                    )
                    % {"count": enrolled}
                )
            course.reserved_released_at = locked.reserved_released_at
        else:
            course.created_by = by
        course.full_clean(exclude=["trainers", "prerequisites"])
        course.save()
        course.trainers.set(trainers)
        course.prerequisites.set(prerequisites)
        if not creating:
            _fill_free_seats(_lock_course(course.pk), timezone.now())
    logger.info("course %s %s by user %s", course.pk, "created" if creating else "saved", by.pk)
    return course


def session_save(*, session: CourseSession, by: User) -> CourseSession:
    """Create or change a session; enrolled people get the updated calendar by mail."""
    if not is_course_lead(by, session.course):
        raise PermissionDenied
    creating = session.pk is None
    with transaction.atomic():
        _lock_course(session.course_id)
        changed = False
        if not creating:
            before = CourseSession.objects.get(pk=session.pk)
            fields = ("starts_at", "ends_at", "location", "video_url")
            changed = any(getattr(before, f) != getattr(session, f) for f in fields)
            if changed:
                session.sequence = before.sequence + 1
        session.full_clean()
        session.save()
        course_bounds_refresh(session.course)
        if creating or changed:
            _mail_session_update(session, purpose="added" if creating else "changed")
    return session


def _mail_session_update(session: CourseSession, *, purpose: str) -> None:
    course = session.course
    calendar = course_calendar(course=course, with_video=True)
    enrolments = Enrolment.objects.filter(course=course, status=S.ENROLLED).select_related("user")
    mail_enqueue_many(
        [
            MailSpec(
                key=f"parteischule:{purpose}:{session.pk}:{session.sequence}:{e.user_id}",
                to=e.user.email,
                template="parteischule/session_changed",
                context={
                    **_course_context(course),
                    "session": session,
                    "added": purpose == "added",
                    "user": e.user,
                    "with_video": True,
                },
                purpose=f"parteischule.session_{purpose}",
                related=f"course:{course.pk}",
                attachments=[
                    Attachment(
                        filename="kurs.ics",
                        content=calendar,
                        mimetype="text/calendar; charset=utf-8; method=PUBLISH",
                    )
                ],
            )
            for e in enrolments
        ]
    )


def _mail_session_cancelled(session: CourseSession) -> None:
    course = session.course
    summary = f"{course.title}: {session.title}" if session.title else course.title
    cancel = ics.calendar(
        [
            ics.Event(
                uid=f"parteischule-session-{session.pk}@{_site_host()}",
                start=session.starts_at,
                end=session.ends_at,
                summary=summary,
                sequence=session.sequence + 1,
                status="CANCELLED",
            )
        ],
        method="CANCEL",
    )
    enrolments = Enrolment.objects.filter(course=course, status=S.ENROLLED).select_related("user")
    mail_enqueue_many(
        [
            MailSpec(
                key=f"parteischule:removed:{session.pk}:{e.user_id}",
                to=e.user.email,
                template="parteischule/session_cancelled",
                context={**_course_context(course), "session": session, "user": e.user},
                purpose="parteischule.session_removed",
                related=f"course:{course.pk}",
                attachments=[
                    Attachment(
                        filename="termin-abgesagt.ics",
                        content=cancel,
                        mimetype="text/calendar; charset=utf-8; method=CANCEL",
                    )
                ],
            )
            for e in enrolments
        ]
    )


def session_delete(*, session: CourseSession, by: User) -> None:
    course = session.course
    if not is_course_lead(by, course):
        raise PermissionDenied
    with transaction.atomic():
        _lock_course(course.pk)
        if session.attendances.exists():
            raise ValidationError(
                _("Attendance has already been recorded for this session; it cannot be deleted.")
            )
        _mail_session_cancelled(session)
        session.delete()
        course_bounds_refresh(course)


# --- Attendance, completion, certificates, learning paths -------------------------------------


def attendance_record(*, session: CourseSession, by: User, present_ids: set[int]) -> int:
    """Set who was at ``session``: exactly the enrolments in ``present_ids`` were there.

    Only enrolled participants can be marked; any other id rejects the whole form and changes
    nothing. Returns how many participants were marked present.
    """
    course = session.course
    if not is_course_lead(by, course):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        _lock_course(course.pk)
        enrolled = {
            enrolment.pk: enrolment
            for enrolment in Enrolment.objects.filter(
                course=course, status=S.ENROLLED
            ).select_related("user", "course")
        }
        strangers = set(present_ids) - set(enrolled)
        if strangers:
            raise ValidationError(
                _(
                    "Only enrolled participants can be marked present. Nothing was saved; "
                    "please reload the list."
                )
            )
        before = set(
            Attendance.objects.filter(session=session, enrolment_id__in=enrolled).values_list(
                "enrolment_id", flat=True
            )
        )
        added = set(present_ids) - before
        removed = before - set(present_ids)
        Attendance.objects.bulk_create(
            [Attendance(session=session, enrolment_id=pk, marked_by=by) for pk in sorted(added)]
        )
        Attendance.objects.filter(session=session, enrolment_id__in=removed).delete()
        for pk in added | removed:
            _update_completion(enrolled[pk], now)
    logger.info(
        "session %s: %d present (+%d, -%d) by user %s",
        session.pk,
        len(present_ids),
        len(added),
        len(removed),
        by.pk,
    )
    return len(present_ids)


def _required_session_ids(course: Course) -> set[int]:
    sessions = list(course.sessions.values_list("id", "is_required"))
    required = {pk for pk, is_required in sessions if is_required}
    return required or {pk for pk, _flag in sessions}


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _index in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _update_completion(enrolment: Enrolment, now) -> None:
    course = enrolment.course
    required = _required_session_ids(course)
    attended = set(enrolment.attendances.values_list("session_id", flat=True))
    done = bool(required) and required <= attended
    if done and enrolment.completed_at is None:
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
        certificate = Certificate.objects.filter(enrolment=enrolment).first()
        if certificate is None:
            certificate = _certificate_issue(enrolment, now)
        elif certificate.revoked_at is not None:
            certificate.revoked_at = None
            certificate.save(update_fields=["revoked_at"])
        mail_enqueue(
            MailSpec(
                key=f"parteischule:completed:{enrolment.pk}",
                to=enrolment.user.email,
                template="parteischule/course_completed",
                context={
                    **_course_context(course),
                    "user": enrolment.user,
                    "certificate": certificate,
                    "verify_path": reverse("parteischule:verify", args=[certificate.code]),
                    "my_path": reverse("parteischule:my_courses"),
                },
                purpose="parteischule.completed",
                related=f"course:{course.pk}",
            )
        )
        _award_learning_paths(enrolment.user, course)
        logger.info("course %s completed by user %s", course.pk, enrolment.user_id)
    elif not done and enrolment.completed_at is not None:
        enrolment.completed_at = None
        enrolment.save(update_fields=["completed_at"])
        Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True).update(
            revoked_at=now
        )
        logger.info("course %s: completion of user %s withdrawn", course.pk, enrolment.user_id)


def _certificate_issue(enrolment: Enrolment, now) -> Certificate:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrolment=enrolment, code=_new_code(), issued_at=now
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free certificate code")


def _award_learning_paths(user: User, course: Course) -> None:
    paths = LearningPath.objects.filter(steps__course=course).prefetch_related("steps")
    completed = set(
        Enrolment.objects.filter(user=user, completed_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    for path in paths:
        if {step.course_id for step in path.steps.all()} <= completed:
            qualification_award(
                user=user,
                code=path.qualification_code,
                label=path.qualification_label,
                source=_("Learning path %(title)s") % {"title": path.title},
            )


# --- Feedback -----------------------------------------------------------------------------------


def feedback_submit(
    *,
    course: Course,
    user: User,
    overall: int,
    content: int,
    trainers: int,
    would_recommend: bool,
    comment: str = "",
) -> Feedback:
    enrolment = Enrolment.objects.filter(course=course, user=user, status=S.ENROLLED).first()
    if enrolment is None:
        raise ValidationError(_("Only participants of the course can give feedback."))
    if course.last_session_at is None or course.last_session_at > timezone.now():
        raise ValidationError(_("You can give feedback once the course is over."))
    for value in (overall, content, trainers):
        if value not in range(1, 6):
            raise ValidationError(_("Please rate from 1 to 5."))
    if len(comment) > 2000 or "\x00" in comment:
        raise ValidationError(_("The comment may be at most 2000 characters long."))
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                enrolment=enrolment,
                overall=overall,
                content=content,
                trainers=trainers,
                would_recommend=would_recommend,
                comment=comment.strip(),
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already given feedback for this course. Thank you!")
        ) from None
    return feedback


# --- Diversity ----------------------------------------------------------------------------------


def diversity_declare(*, user: User, age_band: str, gender: str, consent: bool) -> DiversityProfile:
    if not consent:
        raise ValidationError(_("Without your explicit consent we store nothing."))
    if not age_band and not gender:
        raise ValidationError(_("Please choose an age band, a gender or both – or store nothing."))
    from rotesnetz.privacy.services import consent_record

    text = diversity_consent_text()
    with transaction.atomic():
        profile, _created = DiversityProfile.objects.update_or_create(
            user=user,
            defaults={
                "age_band": age_band,
                "gender": gender,
                "consent_version": text.version,
                "consented_at": timezone.now(),
            },
        )
        DiversityConsentLog.objects.create(
            user=user, action=ConsentAction.GIVEN, consent_version=text.version
        )
        consent_record(text=text, user=user)
    logger.info("diversity consent given by user %s", user.pk)
    return profile


def diversity_revoke(*, user: User) -> bool:
    """Delete the declaration; the consent log keeps only that consent was revoked, and when."""
    from rotesnetz.privacy.models import ConsentAction as RecordAction
    from rotesnetz.privacy.models import ConsentText
    from rotesnetz.privacy.services import consent_record

    from .consents import DIVERSITY_CONSENT

    with transaction.atomic():
        profile = DiversityProfile.objects.filter(user=user).first()
        deleted, _detail = DiversityProfile.objects.filter(user=user).delete()
        if deleted:
            DiversityConsentLog.objects.create(
                user=user, action=ConsentAction.REVOKED, consent_version=profile.consent_version
            )
            text = (
                ConsentText.objects.filter(
                    kind=DIVERSITY_CONSENT, version=profile.consent_version
                ).first()
                or diversity_consent_text()
            )
            consent_record(text=text, user=user, action=RecordAction.WITHDRAWN)
    if deleted:
        logger.info("diversity consent revoked by user %s, data deleted", user.pk)
    return bool(deleted)


def goal_set(*, by: User, year: int, dimension: str, target_percent: int, scope) -> DiversityGoal:
    if not (by.is_superuser or is_goal_staff(by, scope)):
        raise PermissionDenied
    if dimension not in GoalDimension.values:
        raise ValidationError(_("Unknown goal."))
    if not 0 <= target_percent <= 100:
        raise ValidationError(_("The target must be between 0 and 100 percent."))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Please give a valid year."))
    if isinstance(scope, Course):
        field = "course"
    elif isinstance(scope, Regionalzentrum):
        field = "regionalzentrum"
    elif isinstance(scope, Gliederung):
        field = "landesverband"
    else:
        raise ValidationError(_("Unknown scope."))
    goal, _created = DiversityGoal.objects.update_or_create(
        year=year,
        dimension=dimension,
        **{field: scope},
        defaults={"target_percent": target_percent, "set_by": by},
    )
    return goal
