"""Who may see and do what with Gliederungen and Mitgliedschaften.

Every permission of this app is named here; ``docs/roles.md`` is the table these follow.
Rights flow down the tree: a Kreisverband's Vorstand has Vorstand rights in its Ortsvereine,
staff of a Landesverband everywhere below it, staff of a Regionalzentrum in the Gliederungen it
serves and below them.
"""

import rules
from django.db.models import Q

from .models import KIND_LEVEL, GliederungKind, Level, Membership, MembershipRole, StaffRole

JOINABLE_KINDS = {
    GliederungKind.ORTSVEREIN,
    GliederungKind.ABTEILUNG,
    GliederungKind.ARBEITSGEMEINSCHAFT,
}


def _roles_above(user, gliederung, roles) -> bool:
    return Membership.objects.filter(
        user=user, gliederung_id__in=gliederung.ancestor_ids, role__in=roles
    ).exists()


@rules.predicate
def is_member_of(user, gliederung) -> bool:
    if not user.is_authenticated or gliederung is None:
        return False
    return Membership.objects.filter(user=user, gliederung=gliederung).exists()


@rules.predicate
def is_vorstand_of(user, gliederung) -> bool:
    """Vorstand of this Gliederung or of one above it."""
    if not user.is_authenticated or gliederung is None:
        return False
    return _roles_above(user, gliederung, [MembershipRole.VORSTAND])


@rules.predicate
def is_moderator_of(user, gliederung) -> bool:
    """Moderation in this Gliederung, or Vorstand here or above."""
    if not user.is_authenticated or gliederung is None:
        return False
    return Membership.objects.filter(
        Q(gliederung=gliederung, role=MembershipRole.MODERATION)
        | Q(gliederung_id__in=gliederung.ancestor_ids, role=MembershipRole.VORSTAND),
        user=user,
    ).exists()


@rules.predicate
def is_staff_for(user, gliederung) -> bool:
    """Staff of the Landesverband above, or of a Regionalzentrum serving this part of the tree."""
    if not user.is_authenticated or gliederung is None:
        return False
    ids = gliederung.ancestor_ids
    return StaffRole.objects.filter(
        Q(landesverband_id__in=ids) | Q(regionalzentrum__gliederungen__id__in=ids), user=user
    ).exists()


@rules.predicate
def is_party_staff(user) -> bool:
    """Staff anywhere (used for staff-only pages that then scope their data)."""
    return user.is_authenticated and StaffRole.objects.filter(user=user).exists()


@rules.predicate
def is_joinable(user, gliederung) -> bool:
    return gliederung is not None and gliederung.kind in JOINABLE_KINDS


@rules.predicate
def is_local_level(user, gliederung) -> bool:
    return gliederung is not None and KIND_LEVEL.get(gliederung.kind) == Level.ORT


is_admin = rules.is_superuser
can_lead = is_vorstand_of | is_staff_for | is_admin

rules.add_perm("members.view_gliederung", rules.is_authenticated)
rules.add_perm("members.request_membership", rules.is_authenticated & is_joinable & ~is_member_of)
rules.add_perm("members.decide_membership_request", can_lead)
rules.add_perm("members.view_member_list", can_lead)
rules.add_perm("members.change_member_role", can_lead)
rules.add_perm("members.remove_member", can_lead)
