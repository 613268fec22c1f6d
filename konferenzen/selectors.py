"""Reads, returned as ready querysets. Public reads never touch ``DialIn``."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from rotesnetz.members.models import Gliederung, StaffRole, User
from rotesnetz.outbox.models import MailStatus, OutboundMail

from .enums import ConferenceStatus, MailPurpose, RegistrationStatus
from .models import (
    Conference,
    Contributor,
    Feedback,
    Question,
    QuestionSupport,
    QuestionTopic,
    Registration,
    Series,
)

_confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)


def _with_counts(qs: QuerySet[Conference]) -> QuerySet[Conference]:
    return qs.select_related("series", "gliederung").annotate(
        registered_count=Count("registrations", filter=_confirmed)
    )


def upcoming_conferences() -> QuerySet[Conference]:
    return _with_counts(Conference.objects.filter(ends_at__gte=timezone.now())).order_by(
        "starts_at", "id"
    )


def past_conferences() -> QuerySet[Conference]:
    return _with_counts(Conference.objects.filter(ends_at__lt=timezone.now())).order_by(
        "-starts_at", "-id"
    )


def conference_page(*, slug: str) -> QuerySet[Conference]:
    contributors = Contributor.objects.order_by("order", "id")
    return _with_counts(Conference.objects.filter(slug=slug)).prefetch_related(
        Prefetch("contributors", queryset=contributors),
        Prefetch("series__contributors", queryset=contributors),
    )


def series_conferences(*, series: Series) -> QuerySet[Conference]:
    return _with_counts(series.conferences.all()).order_by("starts_at", "id")


def landesverband_conferences(*, landesverband: Gliederung) -> QuerySet[Conference]:
    return Conference.objects.filter(gliederung__path__startswith=landesverband.path).order_by(
        "starts_at", "id"
    )


def staff_paths(*, user: User) -> list[str]:
    """Paths of the Gliederungen the user is staff for (and everything below them)."""
    paths = list(
        StaffRole.objects.filter(user=user, landesverband__isnull=False).values_list(
            "landesverband__path", flat=True
        )
    )
    paths += list(
        Gliederung.objects.filter(served_by__staff_roles__user=user).values_list("path", flat=True)
    )
    return sorted(set(paths))


def _under(paths: list[str], field: str = "gliederung__path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def staff_conferences(*, user: User) -> QuerySet[Conference]:
    qs = Conference.objects.all()
    if not user.is_superuser:
        qs = qs.filter(_under(staff_paths(user=user)))
    return _with_counts(qs).order_by("-starts_at", "-id")


def staff_series(*, user: User) -> QuerySet[Series]:
    qs = Series.objects.all()
    if not user.is_superuser:
        qs = qs.filter(_under(staff_paths(user=user)))
    return qs.select_related("gliederung").annotate(conference_count=Count("conferences"))


def organiser_choices(*, user: User) -> QuerySet[Gliederung]:
    """Gliederungen the user may organise conferences for."""
    if user.is_superuser:
        return Gliederung.objects.order_by("path")
    return Gliederung.objects.filter(_under(staff_paths(user=user), "path")).order_by("path")


def registrations(*, conference: Conference) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(conference=conference)
        .select_related("user")
        .order_by("status", "created_at", "id")
    )


def confirmed_registrations(*, conference_id: int) -> QuerySet[Registration]:
    return Registration.objects.filter(
        conference_id=conference_id, status=RegistrationStatus.CONFIRMED
    ).select_related("user")


def registrant_user_ids(*, conference_id: int) -> list[int]:
    """Members registered right now (hook for a room per conference)."""
    return list(
        Registration.objects.filter(
            conference_id=conference_id,
            status=RegistrationStatus.CONFIRMED,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )


def registration_of(*, conference: Conference, user: User) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(conference=conference, user=user).first()


def my_upcoming_registrations(*, user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            user=user,
            status=RegistrationStatus.CONFIRMED,
            conference__ends_at__gte=timezone.now(),
        )
        .exclude(conference__status=ConferenceStatus.CANCELLED)
        .select_related("conference", "conference__series")
        .order_by("conference__starts_at")
    )


def questions_for_registrant(
    *, conference: Conference, registration: Registration
) -> QuerySet[Question]:
    return (
        Question.objects.filter(conference=conference, hidden=False)
        .select_related("topic", "registration", "registration__user")
        .annotate(
            supported_by_me=Exists(
                QuestionSupport.objects.filter(question=OuterRef("pk"), registration=registration)
            )
        )
        .order_by("-support_count", "id")
    )


def questions_for_moderation(*, conference_id: int) -> QuerySet[Question]:
    return (
        Question.objects.filter(conference_id=conference_id)
        .select_related("topic", "registration", "registration__user")
        .order_by("hidden", "-support_count", "id")
    )


def topics(*, conference_id: int) -> QuerySet[QuestionTopic]:
    return QuestionTopic.objects.filter(conference_id=conference_id).order_by("name")


def mail_log(*, conference: Conference) -> QuerySet[OutboundMail]:
    return OutboundMail.objects.filter(related=conference.related_key).order_by("-id")


def mail_counts(*, conference: Conference) -> list[dict]:
    """Mails of the conference by purpose and status, with readable labels."""
    labels = dict(MailPurpose.choices)
    statuses = dict(MailStatus.choices)
    rows = (
        OutboundMail.objects.filter(related=conference.related_key)
        .values("purpose", "status")
        .annotate(count=Count("id"))
        .order_by("purpose", "status")
    )
    return [
        {
            **row,
            "purpose_label": labels.get(row["purpose"], row["purpose"]),
            "status_label": statuses.get(row["status"], row["status"]),
        }
        for row in rows
    ]


def feedback_of(*, conference: Conference) -> QuerySet[Feedback]:
    return Feedback.objects.filter(conference=conference).order_by("-created_at")
