"""Who may see and do what in the Parteischule; ``docs/parteischule.md`` is the table.

Course staff are the staff of the course's Regionalzentrum and the staff of its Landesverband
(through the core's ``is_staff_for``). Trainers lead the courses they are named on.
"""

import rules
from django.utils import timezone

from rotesnetz.members.models import Gliederung, Regionalzentrum, StaffRole
from rotesnetz.members.rules import is_admin, is_party_staff, is_staff_for

from .enums import EnrolmentStatus
from .models import Course, Enrolment


def _course_of(obj) -> Course | None:
    if isinstance(obj, Course):
        return obj
    return getattr(obj, "course", None)


@rules.predicate
def is_trainer_of(user, course) -> bool:
    course = _course_of(course)
    if not user.is_authenticated or course is None or course.pk is None:
        return False
    return course.trainers.filter(pk=user.pk).exists()


@rules.predicate
def is_regionalzentrum_staff(user, zentrum) -> bool:
    if not user.is_authenticated or zentrum is None:
        return False
    return StaffRole.objects.filter(user=user, regionalzentrum=zentrum).exists()


@rules.predicate
def is_course_staff(user, course) -> bool:
    """Staff of the course's Regionalzentrum, or staff for its Landesverband."""
    course = _course_of(course)
    if not user.is_authenticated or course is None:
        return False
    if course.regionalzentrum_id and is_regionalzentrum_staff(user, course.regionalzentrum):
        return True
    return is_staff_for(user, course.landesverband)


@rules.predicate
def is_enrolled_in(user, course) -> bool:
    course = _course_of(course)
    if not user.is_authenticated or course is None:
        return False
    return Enrolment.objects.filter(
        course=course, user=user, status=EnrolmentStatus.ENROLLED
    ).exists()


@rules.predicate
def is_published(user, course) -> bool:
    course = _course_of(course)
    return course is not None and course.is_published


@rules.predicate
def has_ended(user, course) -> bool:
    course = _course_of(course)
    return (
        course is not None
        and course.last_session_at is not None
        and course.last_session_at <= timezone.now()
    )


@rules.predicate
def is_goal_staff(user, scope) -> bool:
    """May set diversity goals for a Landesverband, a Regionalzentrum or a course."""
    if not user.is_authenticated or scope is None:
        return False
    if isinstance(scope, Course):
        return is_course_staff(user, scope)
    if isinstance(scope, Regionalzentrum):
        return is_regionalzentrum_staff(user, scope) or is_staff_for(user, scope.landesverband)
    if isinstance(scope, Gliederung):
        return StaffRole.objects.filter(user=user, landesverband=scope).exists()
    return False


is_course_lead = is_trainer_of | is_course_staff | is_admin

rules.add_perm("parteischule.view_course", is_published | is_course_lead)
rules.add_perm("parteischule.enrol", rules.is_authenticated & is_published)
rules.add_perm("parteischule.add_course", is_party_staff | is_admin)
rules.add_perm("parteischule.change_course", is_course_lead)
rules.add_perm("parteischule.view_participants", is_course_lead)
rules.add_perm("parteischule.mark_attendance", is_course_lead)
rules.add_perm("parteischule.message_participants", is_course_lead)
rules.add_perm("parteischule.view_feedback", is_course_lead)
rules.add_perm("parteischule.give_feedback", is_enrolled_in & has_ended)
rules.add_perm("parteischule.view_video_link", is_enrolled_in | is_course_lead)
rules.add_perm("parteischule.view_dashboard", is_party_staff | is_admin)
rules.add_perm("parteischule.set_goal", is_goal_staff | is_admin)
