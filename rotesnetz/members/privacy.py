"""What the members core hands to the privacy registry: profile, memberships, requests,
qualifications and staff roles of a person; former members reduced after a while."""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rotesnetz.privacy.coded import coded

from .models import Membership, MembershipRequest, Qualification, RequestStatus, StaffRole


def export_members(user) -> dict:
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
        },
        "memberships": [
            {"gliederung": m.gliederung.name, "role": coded(m, "role"), "since": m.created_at}
            for m in Membership.objects.filter(user=user).select_related("gliederung")
        ],
        # Who decided is another person: the archive says only that and when it was decided.
        "membership_requests": [
            {
                "gliederung": r.gliederung.name,
                "message": r.message,
                "status": coded(r, "status"),
                "asked_on": r.created_at,
                "decided_on": r.decided_at,
            }
            for r in MembershipRequest.objects.filter(user=user).select_related("gliederung")
        ],
        "qualifications": [
            {"code": q.code, "label": q.label, "source": q.source, "awarded_on": q.awarded_at}
            for q in Qualification.objects.filter(user=user)
        ],
        "staff_roles": [
            str(role.landesverband or role.regionalzentrum)
            for role in StaffRole.objects.filter(user=user).select_related(
                "landesverband", "regionalzentrum"
            )
        ],
    }


def erase_members(user) -> None:
    """Memberships end through the service, so every part hears ``membership_ended``."""
    from .services import membership_end

    for membership in Membership.objects.filter(user=user).select_related("gliederung"):
        membership_end(membership=membership, by=user)
    MembershipRequest.objects.filter(user=user).delete()
    Qualification.objects.filter(user=user).delete()
    StaffRole.objects.filter(user=user).delete()


def retain_members(now) -> dict[str, int]:
    """Former members keep their account (they may come back) and their own history, not the
    answered membership requests; rooms (which run before) drop their room traces."""
    from rotesnetz.privacy.models import FormerMember

    cutoff = now - timedelta(days=settings.PRIVACY_FORMER_MEMBER_DAYS)
    due = list(
        FormerMember.objects.filter(since__lt=cutoff, reduced_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    counts = {"former_members": len(due)}
    if due:
        requests, _rows = (
            MembershipRequest.objects.filter(user_id__in=due)
            .exclude(status=RequestStatus.PENDING)
            .delete()
        )
        FormerMember.objects.filter(user_id__in=due).update(reduced_at=now)
        counts["former_member_requests"] = requests
    else:
        counts["former_member_requests"] = 0
    return counts


def register() -> None:
    from rotesnetz.privacy import registry

    registry.register(
        "members",
        label=_("Profile, memberships and membership requests"),
        export=export_members,
        erase=erase_members,
        retain=retain_members,
        order=80,
        audit_actions={"members.member_list.view": _("Member list viewed")},
        mail_purposes={
            "members.decision": _("Decision on a membership request"),
            "members.request": _("New membership request"),
        },
        named_targets={"members.gliederung"},
    )
