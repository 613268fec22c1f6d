"""Role × permission matrix for offices; docs/quartier.md has the table these follow."""

import pytest
from django.contrib.auth.models import AnonymousUser

from quartier.enums import OfficeStatus, TeamRole
from rotesnetz.members.models import MembershipRole, Regionalzentrum
from tests.support.factories import make_member, make_staff, make_tree, make_user
from tests.support.quartier_factories import make_office, make_team_member

R = MembershipRole
ROLES = [
    "anonymous",
    "outsider",
    "volunteer",
    "advisor",
    "lead",
    "vorstand",
    "vorstand_above",
    "vorstand_neighbour",
    "staff",
    "staff_elsewhere",
    "regionalzentrum",
    "admin",
]
TEAM = {"volunteer", "advisor", "lead"}
RUNS = {"lead", "vorstand", "vorstand_above", "staff", "admin"}
EXPECTED = {
    "quartier.view_office": TEAM | RUNS | {"regionalzentrum"},
    "quartier.change_office": RUNS,
    "quartier.open_office": RUNS,
    "quartier.handle_contact_requests": TEAM | RUNS,
    "quartier.publish_slots": {"advisor"} | RUNS,
    "quartier.view_all_bookings": RUNS,
    "quartier.view_impact_report": TEAM | RUNS | {"regionalzentrum"},
    "quartier.submit_concept": {"vorstand", "vorstand_above", "admin"},
    "quartier.view_concept": {
        "lead",
        "vorstand",
        "vorstand_above",
        "staff",
        "regionalzentrum",
        "admin",
    },
    "quartier.review_concept": {"staff", "admin"},
}


def _setting(status=OfficeStatus.OPEN):
    tree = make_tree()
    office = make_office(gliederung=tree["ov"], status=status)
    zentrum = Regionalzentrum.objects.create(name="RZ", slug="rz-q", landesverband=tree["lv"])
    zentrum.gliederungen.add(tree["ub"])
    people = {
        "anonymous": AnonymousUser(),
        "outsider": make_user(),
        "volunteer": make_team_member(office, TeamRole.VOLUNTEER),
        "advisor": make_team_member(office, TeamRole.ADVISOR),
        "lead": make_team_member(office, TeamRole.LEAD),
        "vorstand": make_member(tree["ov"], R.VORSTAND),
        "vorstand_above": make_member(tree["ub"], R.VORSTAND),
        "vorstand_neighbour": make_member(tree["ov2"], R.VORSTAND),
        "staff": make_staff(landesverband=tree["lv"]),
        "staff_elsewhere": make_staff(landesverband=tree["other_lv"]),
        "regionalzentrum": make_staff(regionalzentrum=zentrum),
        "admin": make_user(is_superuser=True, is_staff=True),
    }
    return tree, office, people


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_office_permissions_follow_the_roles_table(role, perm):
    _tree, office, people = _setting()

    assert people[role].has_perm(perm, office) == (role in EXPECTED[perm])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_an_open_office_page_is_public_and_a_planned_one_only_for_its_people(role):
    tree, office, people = _setting(status=OfficeStatus.PLANNED)
    open_office = make_office(gliederung=tree["ov"], status=OfficeStatus.OPEN)

    assert people[role].has_perm("quartier.view_office_page", open_office)
    sees_planned = role in TEAM | RUNS
    assert people[role].has_perm("quartier.view_office_page", office) == sees_planned


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_landesverband_staff_and_admins_register_offices(role):
    _tree, _office, people = _setting()

    expected = role in {"staff", "staff_elsewhere", "admin"}
    assert people[role].has_perm("quartier.add_office") == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_site_analysis_is_for_the_landesvorstand(role):
    tree, _office, people = _setting()
    landesvorstand = make_member(tree["lv"], R.VORSTAND)

    expected = role in {"staff", "admin"}
    assert people[role].has_perm("quartier.use_site_analysis", tree["lv"]) == expected
    assert landesvorstand.has_perm("quartier.use_site_analysis", tree["lv"])
    assert not landesvorstand.has_perm("quartier.use_site_analysis", tree["other_lv"])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_office_scope_of_list_pages_agrees_with_the_rules(role):
    from quartier.selectors import office_scope

    _tree, office, people = _setting()
    person = people[role]

    scope = office_scope(user=person)

    runs = person.has_perm("quartier.change_office", office)
    assert (office.pk in scope.runs) == runs
    if office.pk in scope.ids:
        assert scope.handles_contacts(office.pk) == person.has_perm(
            "quartier.handle_contact_requests", office
        )
        assert scope.publishes_slots(office.pk) == person.has_perm("quartier.publish_slots", office)
        assert scope.sees_concept(office.pk) == (
            person.has_perm("quartier.view_concept", office) and role != "regionalzentrum"
        )
    else:
        assert not person.has_perm("quartier.handle_contact_requests", office)
