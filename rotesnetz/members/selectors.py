"""Reads, returned as ready querysets (no N+1 in the templates that show them)."""

from django.db.models import Count, Q, QuerySet

from .models import (
    Gliederung,
    GliederungKind,
    Membership,
    MembershipRequest,
    MembershipRole,
    RequestStatus,
    StaffRole,
    User,
)


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("gliederung", "gliederung__parent")
        .order_by("gliederung__path")
    )


def pending_requests_of(*, user: User) -> QuerySet[MembershipRequest]:
    return MembershipRequest.objects.filter(user=user, status=RequestStatus.PENDING).select_related(
        "gliederung"
    )


def led_gliederung_ids(*, user: User) -> set[int]:
    """Every Gliederung the user leads: as Vorstand (and below) or as staff (and below)."""
    paths = list(
        Membership.objects.filter(user=user, role=MembershipRole.VORSTAND).values_list(
            "gliederung__path", flat=True
        )
    )
    paths += list(
        StaffRole.objects.filter(user=user, landesverband__isnull=False).values_list(
            "landesverband__path", flat=True
        )
    )
    paths += list(
        Gliederung.objects.filter(served_by__staff_roles__user=user).values_list("path", flat=True)
    )
    if not paths:
        return set()
    condition = Q()
    for path in set(paths):
        condition |= Q(path__startswith=path)
    return set(Gliederung.objects.filter(condition).values_list("id", flat=True))


def requests_to_decide(*, user: User) -> QuerySet[MembershipRequest]:
    if user.is_superuser:
        scope = MembershipRequest.objects.all()
    else:
        scope = MembershipRequest.objects.filter(gliederung_id__in=led_gliederung_ids(user=user))
    return (
        scope.filter(status=RequestStatus.PENDING)
        .select_related("user", "gliederung")
        .order_by("created_at")
    )


def members_of(*, gliederung: Gliederung) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(gliederung=gliederung)
        .select_related("user")
        .order_by("role", "user__display_name", "user__email")
    )


def gliederung_directory(*, query: str = "") -> QuerySet[Gliederung]:
    qs = Gliederung.objects.select_related("parent").annotate(member_count=Count("memberships"))
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(parent__name__icontains=query))
    return qs.order_by("path")


def landesverbaende() -> QuerySet[Gliederung]:
    return Gliederung.objects.filter(kind=GliederungKind.LANDESVERBAND).order_by("name")
