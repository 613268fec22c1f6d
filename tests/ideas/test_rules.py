"""Role × phase matrix for Programmideen (docs/roles.md, section "Programmideen").

``rules.has_perm`` and not ``user.has_perm``: a superuser passes every Django permission, and
the table says what the rule itself allows.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from rotesnetz.ideas.models import Participation, Phase
from rotesnetz.members.models import MembershipRole, Regionalzentrum
from tests.support.factories import make_member, make_staff, make_tree, make_user
from tests.support.ideas_factories import make_idea, make_process, set_phase

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "author",
    "member",
    "member_elsewhere",
    "vorstand",
    "staff_lv",
    "staff_rz",
    "staff_other_lv",
    "admin",
]
PHASES = [Phase.UPCOMING, Phase.COLLECT, Phase.REVIEW, Phase.DECIDED]


def _world(phase):
    tree = make_tree()
    zentrum = Regionalzentrum.objects.create(name="RZ", slug="rz", landesverband=tree["lv"])
    zentrum.gliederungen.set([tree["ub"]])
    people = {
        "anonymous": AnonymousUser(),
        "outsider": make_user(),
        "author": make_member(tree["ov"]),
        "member": make_member(tree["ov2"]),
        "member_elsewhere": make_member(tree["other_ov"]),
        "vorstand": make_member(tree["ov"], MembershipRole.VORSTAND),
        "staff_lv": make_staff(landesverband=tree["lv"]),
        "staff_rz": make_staff(regionalzentrum=zentrum),
        "staff_other_lv": make_staff(landesverband=tree["other_lv"]),
        "admin": make_user(is_superuser=True),
    }
    process = make_process(landesverband=tree["lv"])
    idea = make_idea(process, people["author"])
    set_phase(process, phase)
    idea.process = process
    return people, process, idea


PARTICIPANTS = {"author", "member", "vorstand"}
COMMISSION = {"staff_lv", "admin"}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_submit_needs_participation_and_the_collect_phase(role, phase):
    people, process, _idea = _world(phase)

    allowed = rules.has_perm("ideas.submit_idea", people[role], process)

    assert allowed == (role in PARTICIPANTS and phase == Phase.COLLECT)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_support_needs_participation_the_collect_phase_and_another_author(role, phase):
    people, _process, idea = _world(phase)

    allowed = rules.has_perm("ideas.support_idea", people[role], idea)

    assert allowed == (role in PARTICIPANTS - {"author"} and phase == Phase.COLLECT)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_comment_needs_participation_while_collecting_or_reviewing(role, phase):
    people, _process, idea = _world(phase)

    allowed = rules.has_perm("ideas.comment_idea", people[role], idea)

    assert allowed == (role in PARTICIPANTS and phase in (Phase.COLLECT, Phase.REVIEW))


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_change_status_is_for_the_commission_while_collecting_or_reviewing(role, phase):
    people, _process, idea = _world(phase)

    allowed = rules.has_perm("ideas.change_status", people[role], idea)

    assert allowed == (role in COMMISSION and phase in (Phase.COLLECT, Phase.REVIEW))


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_export_is_for_the_commission_in_every_phase(role, phase):
    people, process, _idea = _world(phase)

    assert rules.has_perm("ideas.export_ideas", people[role], process) == (role in COMMISSION)
    assert rules.has_perm("ideas.view_diversity", people[role], process) == (role in COMMISSION)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_merge_is_for_the_commission_while_collecting_or_reviewing(role, phase):
    people, _process, idea = _world(phase)

    allowed = rules.has_perm("ideas.merge_idea", people[role], idea)

    assert allowed == (role in COMMISSION and phase in (Phase.COLLECT, Phase.REVIEW))


@pytest.mark.parametrize("role", ROLES)
def test_opening_a_discussion_room_is_for_vorstand_and_moderation_of_the_gliederung(role):
    people, _process, idea = _world(Phase.COLLECT)

    allowed = rules.has_perm("ideas.open_discussion", people[role], idea)

    assert allowed == (role in {"vorstand", "admin"})


def test_own_idea_can_be_supported_when_the_process_allows_it():
    tree = make_tree()
    author = make_member(tree["ov"])
    process = make_process(landesverband=tree["lv"], allow_self_support=True)
    idea = make_idea(process, author)

    assert rules.has_perm("ideas.support_idea", author, idea)


def test_chosen_gliederungen_exclude_members_of_the_others():
    tree = make_tree()
    inside = make_member(tree["ov"])
    outside = make_member(tree["ov2"])
    process = make_process(
        landesverband=tree["lv"], participation=Participation.CHOSEN, gliederungen=[tree["ov"]]
    )

    assert rules.has_perm("ideas.submit_idea", inside, process)
    assert not rules.has_perm("ideas.submit_idea", outside, process)


def test_merged_ideas_take_no_support_and_no_comments():
    tree = make_tree()
    member = make_member(tree["ov2"])
    process = make_process(landesverband=tree["lv"])
    idea = make_idea(process, make_member(tree["ov"]))
    idea.merged_into = make_idea(process, make_member(tree["ov"]))

    assert not rules.has_perm("ideas.support_idea", member, idea)
    assert not rules.has_perm("ideas.comment_idea", member, idea)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("vorstand_here", True), ("vorstand_above", True), ("member", False), ("staff", False)],
)
def test_behalf_requests_are_decided_by_the_vorstand(role, allowed):
    from rotesnetz.ideas.models import BehalfStatus

    tree = make_tree()
    make_member(tree["ov"], MembershipRole.VORSTAND)
    people = {
        "vorstand_here": make_member(tree["ov"], MembershipRole.VORSTAND),
        "vorstand_above": make_member(tree["ub"], MembershipRole.VORSTAND),
        "member": make_member(tree["ov"]),
        "staff": make_staff(landesverband=tree["lv"]),
    }
    process = make_process(landesverband=tree["lv"])
    idea = make_idea(process, make_member(tree["ov"]), on_behalf=True)

    assert idea.behalf.status == BehalfStatus.PENDING
    assert rules.has_perm("ideas.decide_behalf", people[role], idea.behalf) == allowed
