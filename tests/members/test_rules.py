"""Role × permission matrix for Gliederungen; docs/roles.md is the table it follows."""

import pytest
from django.contrib.auth.models import AnonymousUser

from rotesnetz.members.models import MembershipRole, Regionalzentrum
from tests.support.factories import make_member, make_staff, make_tree, make_user

R = MembershipRole


def _people(tree):
    zentrum = Regionalzentrum.objects.create(name="RZ", slug="rz-test", landesverband=tree["lv"])
    zentrum.gliederungen.add(tree["ub"])
    return {
        "anonymous": AnonymousUser(),
        "outsider": make_user(),
        "member": make_member(tree["ov"]),
        "moderator": make_member(tree["ov"], R.MODERATION),
        "vorstand": make_member(tree["ov"], R.VORSTAND),
        "vorstand_above": make_member(tree["ub"], R.VORSTAND),
        "vorstand_neighbour": make_member(tree["ov2"], R.VORSTAND),
        "staff": make_staff(landesverband=tree["lv"]),
        "staff_elsewhere": make_staff(landesverband=tree["other_lv"]),
        "regionalzentrum": make_staff(regionalzentrum=zentrum),
        "admin": make_user(is_superuser=True, is_staff=True),
    }


LEADERS = {"vorstand", "vorstand_above", "staff", "regionalzentrum", "admin"}
ROLES = [
    "anonymous",
    "outsider",
    "member",
    "moderator",
    "vorstand",
    "vorstand_above",
    "vorstand_neighbour",
    "staff",
    "staff_elsewhere",
    "regionalzentrum",
    "admin",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "perm",
    [
        "members.view_member_list",
        "members.decide_membership_request",
        "members.change_member_role",
        "members.remove_member",
    ],
)
def test_leading_permissions_follow_the_roles_table(role, perm):
    tree = make_tree()
    person = _people(tree)[role]

    assert person.has_perm(perm, tree["ov"]) == (role in LEADERS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_non_members_may_ask_to_join(role):
    tree = make_tree()
    person = _people(tree)[role]

    expected = role not in {"anonymous", "member", "moderator", "vorstand"}
    assert person.has_perm("members.request_membership", tree["ov"]) == expected


@pytest.mark.django_db
def test_nobody_asks_to_join_a_landesverband_or_kreisverband():
    tree = make_tree()
    user = make_user()

    assert not user.has_perm("members.request_membership", tree["lv"])
    assert not user.has_perm("members.request_membership", tree["ub"])
    assert user.has_perm("members.request_membership", tree["ag"])
