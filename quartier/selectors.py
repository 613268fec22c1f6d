"""Reads for the quartier pages, ready with their prefetches (query counts do not grow)."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from rotesnetz.members.models import Membership, MembershipRole, StaffRole, User

from . import clock
from .enums import ConceptStatus, ContactStatus, OfficeStatus, TeamRole
from .hours import DayException, Interval, OpeningStatus, opening_status
from .models import (
    AdviceSlot,
    ContactRequest,
    Event,
    Office,
    OpeningException,
    TeamMember,
    UsageConcept,
)

SEARCH_MAX_LENGTH = 100
DIGITS = re.compile(r"^[0-9]+$")


@dataclass
class OfficeScope:
    """A person's offices: their team role per office, and the offices they run (as office
    lead, responsible Vorstand, Landesverband staff or admin). Mirrors ``rules.py`` for list
    pages, where asking ``has_perm`` per row would cost queries per office."""

    team: dict[int, str] = field(default_factory=dict)
    runs: set[int] = field(default_factory=set)

    @property
    def ids(self) -> set[int]:
        return set(self.team) | self.runs

    def handles_contacts(self, office_id: int) -> bool:
        return office_id in self.ids

    def publishes_slots(self, office_id: int) -> bool:
        return self.team.get(office_id) == TeamRole.ADVISOR or office_id in self.runs

    def sees_concept(self, office_id: int) -> bool:
        return self.team.get(office_id) == TeamRole.LEAD or office_id in self.runs


def office_scope(*, user: User) -> OfficeScope:
    if not user.is_authenticated:
        return OfficeScope()
    team = dict(TeamMember.objects.filter(user=user).values_list("office_id", "role"))
    if user.is_superuser:
        return OfficeScope(team=team, runs=set(Office.objects.values_list("id", flat=True)))
    runs = {office_id for office_id, role in team.items() if role == TeamRole.LEAD}
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
    if paths:
        condition = Q()
        for path in set(paths):
            condition |= Q(gliederung__path__startswith=path)
        runs |= set(Office.objects.filter(condition).values_list("id", flat=True))
    return OfficeScope(team=team, runs=runs)


def office_ids_for(*, user: User) -> set[int]:
    """Offices a person works with: in the team, or running them (for admin scoping)."""
    return office_scope(user=user).ids


def _with_hours(queryset: QuerySet[Office]) -> QuerySet[Office]:
    today = clock.today()
    return queryset.prefetch_related(
        "hours",
        "services",
        Prefetch(
            "exceptions",
            queryset=OpeningException.objects.filter(
                date__gte=today - timedelta(days=1), date__lte=today + timedelta(days=21)
            ),
            to_attr="upcoming_exceptions",
        ),
    )


def public_offices() -> QuerySet[Office]:
    return _with_hours(Office.objects.filter(status=OfficeStatus.OPEN)).order_by("city", "name")


def weekly_intervals(office: Office) -> list[Interval]:
    return [Interval(h.weekday, h.opens, h.closes) for h in office.hours.all()]


def day_exceptions(office: Office) -> list[DayException]:
    rows = getattr(office, "upcoming_exceptions", None)
    if rows is None:
        rows = list(office.exceptions.all())
    return [DayException(e.date, e.closed, e.opens, e.closes, e.reason) for e in rows]


def status_of(office: Office, *, now: datetime) -> OpeningStatus:
    return opening_status(
        weekly=weekly_intervals(office), exceptions=day_exceptions(office), now=now
    )


@dataclass
class SearchResult:
    offices: list[Office] = field(default_factory=list)
    query: str = ""
    error: str = ""
    notice: str = ""


def office_search(*, query: str) -> SearchResult:
    """Search open offices by PLZ (exact, prefix, else the same postal region), town or
    district. Malformed input gives a German message and no results, never an error."""
    query = " ".join(query.split())
    if "\x00" in query or len(query) > SEARCH_MAX_LENGTH:
        return SearchResult(query="", error=_("Please enter a shorter search term."))
    offices = public_offices()
    if not query:
        return SearchResult(offices=list(offices), query=query)
    compact = query.replace(" ", "")
    if DIGITS.match(compact):
        if len(compact) > 5:
            return SearchResult(
                query=query, error=_("A postcode (PLZ) has exactly five digits, e.g. 67065.")
            )
        found = list(offices.filter(postcode__startswith=compact))
        if found or len(compact) < 5:
            return SearchResult(offices=found, query=query)
        region = list(offices.filter(postcode__startswith=compact[:2]))
        if region:
            return SearchResult(
                offices=region,
                query=query,
                notice=_(
                    "There is no office in %(plz)s. These offices are in the same postal "
                    "region (%(region)s…):"
                )
                % {"plz": compact, "region": compact[:2]},
            )
        return SearchResult(query=query)
    words = [word for word in query.split() if word]
    condition = Q()
    for word in words:
        condition &= (
            Q(city__icontains=word)
            | Q(district__icontains=word)
            | Q(name__icontains=word)
            | Q(postcode__startswith=word)
        )
    return SearchResult(offices=list(offices.filter(condition)), query=query)


def office_page(*, slug: str, include_non_public: bool = False) -> Office | None:
    queryset = Office.objects.select_related("gliederung")
    if not include_non_public:
        queryset = queryset.filter(status=OfficeStatus.OPEN)
    return _with_hours(queryset).filter(slug=slug).first()


def upcoming_events(*, office: Office, limit: int = 20) -> list[Event]:
    return list(
        Event.objects.filter(office=office, ends_at__gt=clock.now(), cancelled=False).order_by(
            "starts_at"
        )[:limit]
    )


def free_slots(*, office: Office, days: int = 56, limit: int = 120) -> list[AdviceSlot]:
    now = clock.now()
    return list(
        AdviceSlot.objects.filter(
            office=office,
            cancelled=False,
            booked=False,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=days),
        ).order_by("starts_at")[:limit]
    )


def slots_by_kind(slots: list[AdviceSlot], *, per_kind: int = 12, expand: str = "") -> list[dict]:
    """The next free slots per kind of advice (the office page shows the first few, and all of
    the kind ``expand``)."""
    grouped: dict[str, dict] = {}
    for slot in slots:
        entry = grouped.setdefault(
            slot.kind,
            {"kind": slot.kind, "label": slot.get_kind_display(), "slots": [], "more": 0},
        )
        if slot.kind == expand or len(entry["slots"]) < per_kind:
            entry["slots"].append(slot)
        else:
            entry["more"] += 1
    return list(grouped.values())


def inbox(*, office: Office, status: str = "") -> QuerySet[ContactRequest]:
    queryset = ContactRequest.objects.filter(office=office).select_related("assignee")
    if status in ContactStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "-created_at")


def contact_request_for(*, office: Office, pk: int) -> ContactRequest | None:
    return (
        ContactRequest.objects.filter(office=office, pk=pk)
        .select_related("assignee")
        .prefetch_related("notes__author")
        .first()
    )


def team_of(*, office: Office) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(office=office).select_related("user")


def slots_for_management(
    *, office: Office, advisor: User | None, include_past_days: int = 7
) -> QuerySet[AdviceSlot]:
    """Upcoming slots with their bookings; ``advisor=None`` means every advisor's."""
    since = clock.now() - timedelta(days=include_past_days)
    queryset = AdviceSlot.objects.filter(office=office, ends_at__gte=since, cancelled=False)
    if advisor is not None:
        queryset = queryset.filter(advisor=advisor)
    return queryset.select_related("advisor", "booking").order_by("starts_at")


def concepts_to_review(*, user: User) -> QuerySet[UsageConcept]:
    queryset = UsageConcept.objects.select_related("office", "office__gliederung", "submitted_by")
    if not user.is_superuser:
        paths = list(
            StaffRole.objects.filter(user=user, landesverband__isnull=False).values_list(
                "landesverband__path", flat=True
            )
        )
        if not paths:
            return queryset.none()
        condition = Q()
        for path in paths:
            condition |= Q(office__gliederung__path__startswith=path)
        queryset = queryset.filter(condition)
    waiting_first = Case(
        When(status=ConceptStatus.SUBMITTED, then=Value(0)),
        When(status=ConceptStatus.REVISION, then=Value(1)),
        default=Value(2),
    )
    return queryset.order_by(waiting_first, "-submitted_at")
