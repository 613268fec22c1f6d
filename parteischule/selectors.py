"""Reads of the Parteischule, returned ready for the templates (no N+1 queries)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from rotesnetz.members.models import Gliederung, Regionalzentrum, StaffRole, User

from .enums import UNDER_35_BANDS, AgeBand, EnrolmentStatus, Gender, GoalDimension
from .models import (
    Course,
    CourseSession,
    DiversityGoal,
    Enrolment,
    Feedback,
    LearningPath,
    LearningPathStep,
)

S = EnrolmentStatus


def _with_counts(qs: QuerySet[Course]) -> QuerySet[Course]:
    return qs.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=S.ENROLLED)),
        waitlist_count=Count("enrolments", filter=Q(enrolments__status=S.WAITLISTED)),
    )


def _course_base() -> QuerySet[Course]:
    return Course.objects.select_related(
        "category", "regionalzentrum", "landesverband"
    ).prefetch_related(
        Prefetch("sessions", queryset=CourseSession.objects.order_by("starts_at", "id")),
        Prefetch("trainers", queryset=User.objects.order_by("display_name", "email")),
    )


def catalogue(
    *,
    query: str = "",
    category: str = "",
    course_format: str = "",
    regionalzentrum: str = "",
    include_past: bool = False,
    now=None,
) -> QuerySet[Course]:
    """Published courses, filtered; sessions, trainers and seat counts come along."""
    now = now or timezone.now()
    qs = _course_base().filter(is_published=True)
    if not include_past:
        qs = qs.filter(Q(last_session_at__gte=now) | Q(last_session_at__isnull=True))
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(target_group__icontains=query)
            | Q(place__icontains=query)
        )
    if category:
        qs = qs.filter(category__slug=category)
    if course_format:
        qs = qs.filter(format=course_format)
    if regionalzentrum:
        qs = qs.filter(regionalzentrum__slug=regionalzentrum)
    return _with_counts(qs).order_by("first_session_at", "title", "id")


def course_detail(*, pk: int) -> Course:
    return (
        _with_counts(_course_base().prefetch_related("prerequisites", "paths")).filter(pk=pk).get()
    )


def _waitlist_position():
    ahead = (
        Enrolment.objects.filter(course=OuterRef("course"), status=S.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), id__lt=OuterRef("id"))
        )
        .order_by()
        .values("course")
        .annotate(ahead=Count("id"))
        .values("ahead")
    )
    return Coalesce(Subquery(ahead), Value(0)) + 1


def enrolments_of(*, user: User) -> QuerySet[Enrolment]:
    """A member's active registrations, with their waitlist place."""
    return (
        Enrolment.objects.filter(user=user)
        .exclude(status=S.CANCELLED)
        .select_related("course", "course__category", "course__regionalzentrum", "certificate")
        .prefetch_related(
            Prefetch("course__sessions", queryset=CourseSession.objects.order_by("starts_at"))
        )
        .annotate(position=_waitlist_position())
        .order_by("course__first_session_at", "id")
    )


def upcoming_sessions_of(*, user: User, limit: int = 5, now=None) -> QuerySet[CourseSession]:
    now = now or timezone.now()
    return (
        CourseSession.objects.filter(
            course__enrolments__user=user,
            course__enrolments__status=S.ENROLLED,
            ends_at__gte=now,
        )
        .select_related("course")
        .order_by("starts_at")[:limit]
    )


def participants_of(*, course: Course) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(course=course, status__in=[S.ENROLLED, S.WAITLISTED])
        .select_related("user")
        .annotate(
            attended=Count("attendances", distinct=True),
            position=_waitlist_position(),
        )
        .order_by("status", "waitlisted_at", "user__display_name", "id")
    )


def attendance_sheet(*, session: CourseSession) -> list[tuple[Enrolment, bool]]:
    enrolments = (
        Enrolment.objects.filter(course_id=session.course_id, status=S.ENROLLED)
        .select_related("user")
        .order_by("user__display_name", "user__email", "id")
    )
    present = set(session.attendances.values_list("enrolment_id", flat=True))
    return [(enrolment, enrolment.pk in present) for enrolment in enrolments]


def staff_scope(*, user: User) -> tuple[set[int], set[int]]:
    """(Landesverband ids, Regionalzentrum ids) a person is staff for."""
    roles = list(
        StaffRole.objects.filter(user=user).values_list("landesverband_id", "regionalzentrum_id")
    )
    return {lv for lv, _rz in roles if lv}, {rz for _lv, rz in roles if rz}


def led_courses(*, user: User) -> QuerySet[Course]:
    """Courses a person trains or is staff for (all for admins), newest first."""
    if user.is_superuser:
        qs = Course.objects.all()
    else:
        lvs, rzs = staff_scope(user=user)
        qs = Course.objects.filter(
            Q(trainers=user) | Q(landesverband_id__in=lvs) | Q(regionalzentrum_id__in=rzs)
        ).distinct()
    return _with_counts(
        qs.select_related("category", "regionalzentrum").prefetch_related("sessions")
    ).order_by("-first_session_at", "title")


def staff_courses(*, user: User) -> QuerySet[Course]:
    """Courses a person is staff for (``is_course_staff``), all for admins."""
    if user.is_superuser:
        return Course.objects.order_by("title")
    lvs, rzs = staff_scope(user=user)
    return Course.objects.filter(
        Q(landesverband_id__in=lvs) | Q(regionalzentrum_id__in=rzs)
    ).order_by("title")


def goal_landesverbaende(*, user: User) -> QuerySet[Gliederung]:
    """Landesverbände whose yearly goals a person may set: their own staff, or admins."""
    if user.is_superuser:
        return Gliederung.objects.filter(kind="landesverband").order_by("name")
    lvs, _rzs = staff_scope(user=user)
    return Gliederung.objects.filter(pk__in=lvs).order_by("name")


def staff_regionalzentren(*, user: User) -> QuerySet[Regionalzentrum]:
    if user.is_superuser:
        return Regionalzentrum.objects.select_related("landesverband").order_by("name")
    lvs, rzs = staff_scope(user=user)
    return (
        Regionalzentrum.objects.filter(Q(pk__in=rzs) | Q(landesverband_id__in=lvs))
        .select_related("landesverband")
        .order_by("name")
    )


def staff_landesverbaende(*, user: User) -> QuerySet[Gliederung]:
    """Landesverbände a person may create courses in (directly, or through a Regionalzentrum)."""
    if user.is_superuser:
        return Gliederung.objects.filter(kind="landesverband").order_by("name")
    lvs, rzs = staff_scope(user=user)
    return (
        Gliederung.objects.filter(
            Q(pk__in=lvs) | Q(regionalzentren__pk__in=rzs), kind="landesverband"
        )
        .distinct()
        .order_by("name")
    )


# --- Feedback ----------------------------------------------------------------------------------


def feedback_summary(*, course: Course) -> dict:
    """Averages and counts; comments only from five answers on, in no particular order."""
    qs = Feedback.objects.filter(enrolment__course=course)
    summary = qs.aggregate(
        count=Count("id"),
        overall=Avg("overall"),
        content=Avg("content"),
        trainers=Avg("trainers"),
        recommend=Count("id", filter=Q(would_recommend=True)),
    )
    minimum = settings.PARTEISCHULE_MIN_GROUP_SIZE
    summary["shown"] = summary["count"] >= minimum
    summary["minimum"] = minimum
    summary["comments"] = (
        sorted(c for c in qs.exclude(comment="").values_list("comment", flat=True))
        if summary["shown"]
        else []
    )
    if summary["count"]:
        summary["recommend_percent"] = round(100 * summary["recommend"] / summary["count"])
    return summary


# --- Learning paths ----------------------------------------------------------------------------


def learning_paths() -> QuerySet[LearningPath]:
    return LearningPath.objects.prefetch_related(
        Prefetch(
            "steps", queryset=LearningPathStep.objects.select_related("course", "course__category")
        )
    ).order_by("title")


def learning_path_progress(*, user: User, paths=None) -> list[dict]:
    paths = list(paths if paths is not None else learning_paths())
    completed = set()
    if user.is_authenticated:
        completed = set(
            Enrolment.objects.filter(user=user, completed_at__isnull=False).values_list(
                "course_id", flat=True
            )
        )
    rows = []
    for path in paths:
        steps = list(path.steps.all())
        done = sum(1 for step in steps if step.course_id in completed)
        rows.append(
            {
                "path": path,
                "steps": [(step, step.course_id in completed) for step in steps],
                "done": done,
                "total": len(steps),
                "percent": round(100 * done / len(steps)) if steps else 0,
                "complete": bool(steps) and done == len(steps),
            }
        )
    return rows


# --- Diversity dashboard -----------------------------------------------------------------------


@dataclass
class Share:
    """A group's share among those who declared, or None when a group is under the minimum."""

    count: int | None
    percent: int | None
    goal: int | None

    @property
    def suppressed(self) -> bool:
        return self.percent is None

    @property
    def reached(self) -> bool | None:
        if self.percent is None or self.goal is None:
            return None
        return self.percent >= self.goal


def suppressed_share(*, group: int, declared: int, goal: int | None = None) -> Share:
    """Show a share only if the group and the rest of those who declared both have at least
    PARTEISCHULE_MIN_GROUP_SIZE people (or the rest is empty): otherwise someone could be
    singled out. Suppressed figures show neither count nor percent."""
    minimum = settings.PARTEISCHULE_MIN_GROUP_SIZE
    rest = declared - group
    if group < minimum or 0 < rest < minimum:
        return Share(count=None, percent=None, goal=goal)
    return Share(count=group, percent=round(100 * group / declared), goal=goal)


def _aggregate(qs, key: str) -> dict:
    profile = "user__diversity_profile__"
    rows = (
        qs.values(key)
        .annotate(
            total=Count("user", distinct=True),
            declared_gender=Count(
                "user", distinct=True, filter=Q(**{f"{profile}gender__in": Gender.values})
            ),
            women=Count("user", distinct=True, filter=Q(**{f"{profile}gender": Gender.WOMAN})),
            declared_age=Count(
                "user", distinct=True, filter=Q(**{f"{profile}age_band__in": AgeBand.values})
            ),
            under_35=Count(
                "user", distinct=True, filter=Q(**{f"{profile}age_band__in": UNDER_35_BANDS})
            ),
        )
        .order_by(key)
    )
    return {row[key]: row for row in rows}


def _figures(row: dict, goals: dict[str, int | None]) -> dict:
    minimum = settings.PARTEISCHULE_MIN_GROUP_SIZE
    return {
        "total": row["total"],
        "declared_gender": row["declared_gender"] if row["declared_gender"] >= minimum else None,
        "declared_age": row["declared_age"] if row["declared_age"] >= minimum else None,
        "women": suppressed_share(
            group=row["women"], declared=row["declared_gender"], goal=goals.get(GoalDimension.WOMEN)
        ),
        "under_35": suppressed_share(
            group=row["under_35"],
            declared=row["declared_age"],
            goal=goals.get(GoalDimension.UNDER_35),
        ),
    }


def diversity_dashboard(*, user: User, year: int) -> dict:
    """Goal against actual reach per course, Regionalzentrum and Landesverband for one year.

    Only enrolled participants count, each person once per row. No row names a person.
    """
    courses = Course.objects.filter(first_session_at__year=year)
    if not user.is_superuser:
        lvs, rzs = staff_scope(user=user)
        courses = courses.filter(Q(landesverband_id__in=lvs) | Q(regionalzentrum_id__in=rzs))
    course_list = list(
        courses.select_related("regionalzentrum", "landesverband", "category").order_by(
            "first_session_at", "title"
        )
    )
    enrolments = Enrolment.objects.filter(
        status=S.ENROLLED, course__in=[course.pk for course in course_list]
    )
    by_course = _aggregate(enrolments, "course")
    by_centre = _aggregate(
        enrolments.filter(course__regionalzentrum__isnull=False), "course__regionalzentrum"
    )
    by_lv = _aggregate(enrolments, "course__landesverband")

    goals: dict[tuple[str, int], dict] = {}
    for goal in DiversityGoal.objects.filter(
        Q(year=year) | Q(course__in=[course.pk for course in course_list])
    ):
        scope = (
            ("course", goal.course_id)
            if goal.course_id
            else ("rz", goal.regionalzentrum_id)
            if goal.regionalzentrum_id
            else ("lv", goal.landesverband_id)
        )
        goals.setdefault(scope, {})[goal.dimension] = goal.target_percent

    def goals_for(*scopes) -> dict:
        merged: dict = {}
        for scope in reversed(scopes):  # the most specific scope wins
            merged.update(goals.get(scope, {}))
        return merged

    empty = {"total": 0, "declared_gender": 0, "women": 0, "declared_age": 0, "under_35": 0}
    course_rows = [
        {
            "course": course,
            **_figures(
                by_course.get(course.pk, empty),
                goals_for(
                    ("course", course.pk),
                    ("rz", course.regionalzentrum_id),
                    ("lv", course.landesverband_id),
                ),
            ),
        }
        for course in course_list
    ]
    centres = {c.regionalzentrum_id: c.regionalzentrum for c in course_list if c.regionalzentrum_id}
    centre_rows = [
        {
            "regionalzentrum": centre,
            **_figures(
                by_centre.get(pk, empty), goals_for(("rz", pk), ("lv", centre.landesverband_id))
            ),
        }
        for pk, centre in sorted(centres.items(), key=lambda item: item[1].name)
    ]
    lvs = {c.landesverband_id: c.landesverband for c in course_list}
    lv_rows = [
        {"landesverband": lv, **_figures(by_lv.get(pk, empty), goals_for(("lv", pk)))}
        for pk, lv in sorted(lvs.items(), key=lambda item: item[1].name)
    ]
    return {"courses": course_rows, "centres": centre_rows, "years": lv_rows}
