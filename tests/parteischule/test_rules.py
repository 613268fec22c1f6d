"""Role × permission matrix for the Parteischule; docs/parteischule.md is the table."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from parteischule.models import Course
from parteischule.rules import is_course_staff, is_trainer_of
from rotesnetz.members.models import GliederungKind
from tests.support.factories import make_gliederung, make_staff, make_user
from tests.support.parteischule_factories import enrol, make_course, make_zentrum

ROLES = [
    "anonymous",
    "outsider",
    "participant",
    "trainer",
    "trainer_elsewhere",
    "rz_staff",
    "rz_staff_elsewhere",
    "lv_staff",
    "lv_staff_elsewhere",
    "admin",
]
LEADS = {"trainer", "rz_staff", "lv_staff", "admin"}
STAFF = {"rz_staff", "rz_staff_elsewhere", "lv_staff", "lv_staff_elsewhere", "admin"}


def _world(**course_fields):
    lv = make_gliederung(kind=GliederungKind.LANDESVERBAND)
    zentrum = make_zentrum(landesverband=lv)
    neighbour = make_zentrum(landesverband=lv)
    other_lv = make_gliederung(kind=GliederungKind.LANDESVERBAND)
    trainer, trainer_elsewhere = make_user(), make_user()
    course = make_course(zentrum=zentrum, trainers=[trainer], **course_fields)
    make_course(zentrum=neighbour, trainers=[trainer_elsewhere])
    people = {
        "anonymous": AnonymousUser(),
        "outsider": make_user(),
        "trainer": trainer,
        "trainer_elsewhere": trainer_elsewhere,
        "rz_staff": make_staff(regionalzentrum=zentrum),
        "rz_staff_elsewhere": make_staff(regionalzentrum=neighbour),
        "lv_staff": make_staff(landesverband=lv),
        "lv_staff_elsewhere": make_staff(landesverband=other_lv),
        "admin": make_user(is_superuser=True, is_staff=True),
    }
    if course.is_published:
        people["participant"] = enrol(course).user
    else:
        people["participant"] = make_user()
    return course, people


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "perm",
    [
        "parteischule.change_course",
        "parteischule.view_participants",
        "parteischule.mark_attendance",
        "parteischule.message_participants",
        "parteischule.view_feedback",
    ],
)
def test_leading_a_course_follows_the_roles_table(role, perm):
    course, people = _world()

    assert people[role].has_perm(perm, course) == (role in LEADS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_video_link_only_for_participants_and_leads(role):
    course, people = _world()

    assert people[role].has_perm("parteischule.view_video_link", course) == (
        role in LEADS | {"participant"}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_unpublished_course_is_visible_to_leads_only(role):
    course, people = _world(is_published=False)

    assert people[role].has_perm("parteischule.view_course", course) == (role in LEADS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_published_course_is_visible_to_everyone(role):
    course, people = _world()

    assert people[role].has_perm("parteischule.view_course", course) is True


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", ["parteischule.add_course", "parteischule.view_dashboard"])
def test_staff_create_courses_and_see_the_dashboard(role, perm):
    _course, people = _world()

    assert people[role].has_perm(perm) == (role in STAFF)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_goals_for_a_course_are_set_by_its_staff(role):
    course, people = _world()

    assert people[role].has_perm("parteischule.set_goal", course) == (
        role in {"rz_staff", "lv_staff", "admin"}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_feedback_only_from_participants_after_the_course(role):
    course, people = _world()
    Course.objects.filter(pk=course.pk).update(last_session_at=timezone.now() - timedelta(hours=1))
    course.refresh_from_db()

    # Superusers pass every has_perm (Django); feedback_submit still refuses non-participants.
    assert people[role].has_perm("parteischule.give_feedback", course) == (
        role in {"participant", "admin"}
    )


@pytest.mark.django_db
def test_feedback_not_before_the_course_has_ended():
    course, people = _world()

    assert not people["participant"].has_perm("parteischule.give_feedback", course)


@pytest.mark.django_db
def test_named_predicates_answer_for_unsaved_and_anonymous():
    course, people = _world()

    assert is_trainer_of(people["trainer"], course) is True
    assert is_trainer_of(AnonymousUser(), course) is False
    assert is_course_staff(people["lv_staff"], course) is True
    assert is_course_staff(people["rz_staff_elsewhere"], course) is False
