"""Who may do what with programme processes and ideas (the table in docs/roles.md).

The objects are a ``ProgrammeProcess`` (submit, export, see the diversity figures) or an
``Idea`` (support, comment, change the status, merge, open a discussion). Every predicate
takes either and finds the process itself, so the phase rules read the same for both.
"""

import rules
from django.db.models import Q

from rotesnetz.members.models import GliederungKind, Membership
from rotesnetz.members.rules import is_staff_for, is_vorstand_of
from rotesnetz.rooms.rules import can_lead_rooms_of

from .models import Idea, Participation, Phase, ProgrammeProcess

BEHALF_KINDS = {
    GliederungKind.ORTSVEREIN,
    GliederungKind.ABTEILUNG,
    GliederungKind.ARBEITSGEMEINSCHAFT,
}


def _process(obj) -> ProgrammeProcess | None:
    if isinstance(obj, Idea):
        return obj.process
    return obj


def scope_paths(process: ProgrammeProcess) -> list[str]:
    """Materialised paths of the Gliederungen whose members (and those below) take part."""
    if process.participation == Participation.CHOSEN:
        return [g.path for g in process.gliederungen.all()]
    return [process.landesverband.path]


def participation_filter(process: ProgrammeProcess, prefix: str = "gliederung__") -> Q:
    paths = scope_paths(process)
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


@rules.predicate
def can_take_part(user, obj) -> bool:
    """Member (any role) of a Gliederung that takes part in the process, or below one."""
    process = _process(obj)
    if not user.is_authenticated or process is None:
        return False
    return Membership.objects.filter(participation_filter(process), user=user).exists()


@rules.predicate
def is_commission(user, obj) -> bool:
    """The programme commission: staff of the process's Landesverband, and the admins."""
    process = _process(obj)
    if not user.is_authenticated or process is None:
        return False
    return user.is_superuser or is_staff_for(user, process.landesverband)


@rules.predicate
def is_collecting(user, obj) -> bool:
    process = _process(obj)
    return process is not None and process.phase == Phase.COLLECT


@rules.predicate
def is_open_for_discussion(user, obj) -> bool:
    process = _process(obj)
    return process is not None and process.phase in (Phase.COLLECT, Phase.REVIEW)


@rules.predicate
def is_author(user, idea) -> bool:
    return isinstance(idea, Idea) and user.is_authenticated and idea.author_id == user.pk


@rules.predicate
def self_support_allowed(user, idea) -> bool:
    return isinstance(idea, Idea) and idea.process.allow_self_support


@rules.predicate
def is_live_idea(user, idea) -> bool:
    """Not merged into another idea."""
    return isinstance(idea, Idea) and idea.merged_into_id is None


@rules.predicate
def has_no_room_yet(user, idea) -> bool:
    return isinstance(idea, Idea) and idea.room_id is None


@rules.predicate
def leads_rooms_of_idea_gliederung(user, idea) -> bool:
    return isinstance(idea, Idea) and can_lead_rooms_of(user, idea.gliederung)


@rules.predicate
def can_decide_behalf(user, behalf) -> bool:
    """The Vorstand of the Gliederung an idea wants to speak for (here or above)."""
    return behalf is not None and is_vorstand_of(user, behalf.gliederung)


@rules.predicate
def is_landesverband_staff(user, landesverband) -> bool:
    if not user.is_authenticated or landesverband is None:
        return False
    if landesverband.kind != GliederungKind.LANDESVERBAND:
        return False
    return user.is_superuser or is_staff_for(user, landesverband)


can_submit = can_take_part & is_collecting
can_support = can_take_part & is_collecting & is_live_idea & (~is_author | self_support_allowed)
can_comment = can_take_part & is_open_for_discussion & is_live_idea
can_change_status = is_commission & is_open_for_discussion & is_live_idea
can_merge = is_commission & is_open_for_discussion & is_live_idea
can_export = is_commission
can_open_discussion = (
    leads_rooms_of_idea_gliederung & is_open_for_discussion & is_live_idea & has_no_room_yet
)

rules.add_perm("ideas.view_ideas", rules.is_authenticated)
rules.add_perm("ideas.create_process", is_landesverband_staff)
rules.add_perm("ideas.manage_process", is_commission)
rules.add_perm("ideas.submit_idea", can_submit)
rules.add_perm("ideas.support_idea", can_support)
rules.add_perm("ideas.comment_idea", can_comment)
rules.add_perm("ideas.change_status", can_change_status)
rules.add_perm("ideas.merge_idea", can_merge)
rules.add_perm("ideas.export_ideas", can_export)
rules.add_perm("ideas.view_diversity", is_commission)
rules.add_perm("ideas.open_discussion", can_open_discussion)
rules.add_perm("ideas.decide_behalf", can_decide_behalf)
