"""Role × permission matrix for conferences; docs/konferenzen.md is the table it follows."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from konferenzen.enums import Audience
from rotesnetz.members.models import Regionalzentrum
from tests.support.factories import make_member, make_staff, make_user
from tests.support.konferenzen_factories import make_conference, make_registration, make_series

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "member",
    "member_elsewhere",
    "registrant",
    "moderator",
    "series_moderator",
    "staff",
    "staff_elsewhere",
    "regionalzentrum",
    "admin",
]
# Django gives a superuser every permission; the services still check the state (an admin who
# is not registered cannot ask a question).
STAFF = {"staff", "regionalzentrum", "admin"}
MODERATORS = {"moderator", "series_moderator"} | STAFF
MATRIX = {
    "konferenzen.schedule_conference": STAFF | {"staff_elsewhere"},
    "konferenzen.manage_conference": STAFF,
    "konferenzen.view_mail_log": STAFF,
    "konferenzen.view_dial_in": {"registrant"} | STAFF,
    "konferenzen.register": {"member", "admin"},
    "konferenzen.view_questions": {"registrant"} | MODERATORS,
    "konferenzen.ask_question": {"registrant", "admin"},
    "konferenzen.support_question": {"registrant", "admin"},
    "konferenzen.moderate_questions": MODERATORS,
    "konferenzen.export_briefing": MODERATORS,
    "konferenzen.give_feedback": {"admin"},  # registrants once it is over, see below
}


@pytest.fixture
def world(tree):
    zentrum = Regionalzentrum.objects.create(name="RZ", slug="rz-k", landesverband=tree["lv"])
    zentrum.gliederungen.add(tree["ub"])
    series = make_series(gliederung=tree["lv"])
    # Organised by the UB, open to the members of its Landesverband.
    conference = make_conference(
        gliederung=tree["ub"], audience=Audience.LANDESVERBAND, series=series
    )
    people = {
        "anonymous": AnonymousUser(),
        "outsider": make_user(),
        "member": make_member(tree["ov"]),
        "member_elsewhere": make_member(tree["other_ov"]),
        "registrant": make_member(tree["ov2"]),
        "moderator": make_user(),
        "series_moderator": make_user(),
        "staff": make_staff(landesverband=tree["lv"]),
        "staff_elsewhere": make_staff(landesverband=tree["other_lv"]),
        "regionalzentrum": make_staff(regionalzentrum=zentrum),
        "admin": make_user(is_superuser=True, is_staff=True),
    }
    make_registration(conference, user=people["registrant"])
    conference.moderators.add(people["moderator"])
    series.moderators.add(people["series_moderator"])
    return conference, people


@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_permission_matrix(world, permission):
    conference, people = world
    obj = None if permission == "konferenzen.schedule_conference" else conference

    allowed = {role for role in ROLES if people[role].has_perm(permission, obj)}

    assert allowed == MATRIX[permission]


def test_feedback_only_from_registrants_once_it_is_over(world):
    conference, people = world
    conference.starts_at -= timedelta(days=30)
    conference.ends_at = conference.starts_at + timedelta(hours=1)
    conference.save()

    allowed = {r for r in ROLES if people[r].has_perm("konferenzen.give_feedback", conference)}

    assert allowed == {"registrant", "admin"}


def test_public_conference_is_open_to_every_signed_in_person(tree):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.PUBLIC)

    assert make_user().has_perm("konferenzen.register", conference)
    assert not AnonymousUser().has_perm("konferenzen.register", conference)
