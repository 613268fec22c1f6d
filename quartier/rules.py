"""Who may see and do what with offices; ``docs/quartier.md`` has the roles table.

Predicates take an ``Office`` (or, for the site analysis, a Landesverband). Called with
``None`` (the admin asks model-wide questions such as "may this person see the office list at
all?"), a predicate answers whether the person has that role for *any* office; the admin then
scopes its querysets to the offices the person really has.
"""

import rules
from django.db.models import Q

from rotesnetz.members.models import GliederungKind, Membership, MembershipRole, StaffRole
from rotesnetz.members.rules import is_staff_for, is_vorstand_of

from .enums import TeamRole
from .models import TeamMember


def _has_team_role(user, office, roles=None) -> bool:
    if not user.is_authenticated:
        return False
    team = TeamMember.objects.filter(user=user)
    if office is not None:
        team = team.filter(office=office)
    if roles is not None:
        team = team.filter(role__in=roles)
    return team.exists()


@rules.predicate
def is_office_volunteer(user, office) -> bool:
    """Anyone in the office's team: volunteers, advisors and the office lead."""
    return _has_team_role(user, office)


@rules.predicate
def is_office_lead(user, office) -> bool:
    return _has_team_role(user, office, [TeamRole.LEAD])


@rules.predicate
def is_office_advisor(user, office) -> bool:
    return _has_team_role(user, office, [TeamRole.ADVISOR])


@rules.predicate
def is_responsible_vorstand(user, office) -> bool:
    """Vorstand of the office's Gliederung or of one above it."""
    if not user.is_authenticated:
        return False
    if office is None:
        return Membership.objects.filter(user=user, role=MembershipRole.VORSTAND).exists()
    return is_vorstand_of(user, office.gliederung)


@rules.predicate
def is_landesverband_staff(user, office) -> bool:
    """Staff of the Landesverband the office belongs to (they review usage concepts)."""
    if not user.is_authenticated:
        return False
    roles = StaffRole.objects.filter(user=user, landesverband__isnull=False)
    if office is None:
        return roles.exists()
    return roles.filter(landesverband_id__in=office.gliederung.ancestor_ids).exists()


@rules.predicate
def is_regional_staff(user, office) -> bool:
    """Staff of the Landesverband or of a Regionalzentrum serving the office's Gliederung."""
    if not user.is_authenticated:
        return False
    if office is None:
        return StaffRole.objects.filter(user=user).exists()
    return is_staff_for(user, office.gliederung)


@rules.predicate
def is_office_public(user, office) -> bool:
    return office is not None and office.is_public


@rules.predicate
def is_landesvorstand(user, landesverband) -> bool:
    """Vorstand of the Landesverband itself (or above), or its staff."""
    if not user.is_authenticated or landesverband is None:
        return False
    if landesverband.kind != GliederungKind.LANDESVERBAND:
        return False
    return (
        Membership.objects.filter(
            Q(gliederung_id__in=landesverband.ancestor_ids, role=MembershipRole.VORSTAND), user=user
        ).exists()
        or StaffRole.objects.filter(user=user, landesverband=landesverband).exists()
    )


is_admin = rules.is_superuser
# Those who run an office: its lead, the responsible Vorstand, the Landesverband's staff.
is_office_staff = is_office_lead | is_responsible_vorstand | is_landesverband_staff | is_admin
is_office_team = is_office_volunteer | is_office_staff

rules.add_perm("quartier.view_office_page", is_office_public | is_office_team)
rules.add_perm("quartier.view_office", is_office_team | is_regional_staff)
rules.add_perm("quartier.change_office", is_office_staff)
rules.add_perm("quartier.add_office", is_admin | is_landesverband_staff)
rules.add_perm("quartier.delete_office", is_admin)
rules.add_perm("quartier.open_office", is_office_staff)
rules.add_perm("quartier.handle_contact_requests", is_office_team)
rules.add_perm("quartier.publish_slots", is_office_advisor | is_office_staff)
rules.add_perm("quartier.view_all_bookings", is_office_staff)
rules.add_perm("quartier.view_impact_report", is_office_team | is_regional_staff)
# Exports need their own right (and are recorded): the report as CSV, the office register.
rules.add_perm("quartier.export_impact_report", is_office_team | is_regional_staff)
rules.add_perm("quartier.export_offices", is_admin | is_landesverband_staff)
rules.add_perm("quartier.submit_concept", is_responsible_vorstand | is_admin)
rules.add_perm(
    "quartier.view_concept",
    is_responsible_vorstand
    | is_landesverband_staff
    | is_office_lead
    | is_regional_staff
    | is_admin,
)
rules.add_perm("quartier.review_concept", is_landesverband_staff | is_admin)
rules.add_perm("quartier.use_site_analysis", is_landesvorstand | is_admin)
