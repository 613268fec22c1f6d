"""Reads for Programmideen, returned ready for their templates (no N+1)."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from rotesnetz.members.models import Gliederung, Membership, MembershipRole, Regionalzentrum, User

from .models import (
    BehalfRequest,
    BehalfStatus,
    Chapter,
    Comment,
    Idea,
    IdeaStatus,
    Phase,
    ProgrammeProcess,
    StatusChange,
    Support,
)

SORTS = {
    "unterstuetzung": ("-support_count", "-created_at", "-id"),
    "neu": ("-created_at", "-id"),
    "diskutiert": ("-comment_count", "-support_count", "-id"),
}
DEFAULT_SORT = "unterstuetzung"
SIMILARITY_THRESHOLD = 0.3


@dataclass(frozen=True)
class IdeaFilters:
    chapter: int | None = None
    gliederung: int | None = None
    status: str | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, data) -> "IdeaFilters":
        """Parse ``?kapitel=&gliederung=&status=&sortierung=``; nonsense is ignored, not a 500."""

        def number(name):
            value = (data.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) < 12 else None

        status = data.get("status") or None
        sort = data.get("sortierung") or DEFAULT_SORT
        return cls(
            chapter=number("kapitel"),
            gliederung=number("gliederung"),
            status=status if status in IdeaStatus.values else None,
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    def as_dict(self) -> dict:
        return {
            "chapter": self.chapter,
            "gliederung": self.gliederung,
            "status": self.status,
            "sort": self.sort,
        }


def processes() -> QuerySet[ProgrammeProcess]:
    return ProgrammeProcess.objects.select_related("landesverband").annotate(
        idea_count=Count("ideas", filter=Q(ideas__merged_into__isnull=True))
    )


def process_by_slug(*, slug: str) -> ProgrammeProcess | None:
    return (
        ProgrammeProcess.objects.select_related("landesverband")
        .prefetch_related("chapters", "gliederungen")
        .filter(slug=slug)
        .first()
    )


def idea_list(*, process: ProgrammeProcess, filters: IdeaFilters) -> QuerySet[Idea]:
    qs = (
        Idea.objects.filter(process=process, merged_into__isnull=True)
        .select_related("chapter", "gliederung", "author", "behalf")
        .defer("text", "answer")
    )
    if filters.chapter:
        qs = qs.filter(chapter_id=filters.chapter)
    if filters.gliederung:
        qs = qs.filter(gliederung_id=filters.gliederung)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by(*SORTS[filters.sort])


def supported_ids(*, user: User, ideas) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(user=user, idea_id__in=[idea.pk for idea in ideas]).values_list(
            "idea_id", flat=True
        )
    )


def gliederungen_with_ideas(*, process: ProgrammeProcess) -> QuerySet[Gliederung]:
    return (
        Gliederung.objects.filter(ideas__process=process, ideas__merged_into__isnull=True)
        .distinct()
        .order_by("name")
    )


def idea_detail(*, process: ProgrammeProcess, pk: int) -> Idea | None:
    return (
        Idea.objects.select_related(
            "chapter",
            "gliederung",
            "author",
            "behalf",
            "behalf__gliederung",
            "merged_into",
            "room",
            "room__gliederung",
        )
        .prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author").order_by("id")),
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("created_at", "id")),
            Prefetch("merged_ideas", queryset=Idea.objects.only("id", "title", "merged_into")),
        )
        .filter(process=process, pk=pk)
        .first()
    )


def similar_ideas(*, process: ProgrammeProcess, title: str, limit: int = 5) -> list[Idea]:
    """Possible duplicates of a title being typed: trigram similarity on PostgreSQL, shared
    words on other databases."""
    title = " ".join((title or "").split())[:150]
    base = Idea.objects.filter(process=process, merged_into__isnull=True).only(
        "id", "title", "status", "support_count", "process_id"
    )
    if len(title) < 3:
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
        from django.db.models.functions import Greatest

        # Whole-title similarity finds typos; word similarity finds a short title typed so far
        # inside a longer existing one ("Nachtbus rund um die Uhr" ~ "Nachtbusse in alle ...").
        return list(
            base.annotate(
                similarity=Greatest(
                    TrigramSimilarity("title", title), TrigramWordSimilarity(title, "title")
                )
            )
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity", "-support_count")[:limit]
        )
    words = [word for word in re.findall(r"\w+", title.lower()) if len(word) >= 4]
    if not words:
        return list(base.filter(title__icontains=title).order_by("-support_count")[:limit])
    condition = Q()
    for word in words[:8]:
        condition |= Q(title__icontains=word)
    candidates = list(base.filter(condition)[:200])
    scored = sorted(
        candidates,
        key=lambda idea: (
            -sum(word in idea.title.lower() for word in words),
            -idea.support_count,
        ),
    )
    return scored[:limit]


@dataclass
class ChapterResult:
    chapter: Chapter
    total: int
    counts: dict[str, int]
    decided: list[Idea]


def overview(*, process: ProgrammeProcess) -> list[ChapterResult]:
    """What became of the ideas: counts per chapter and status, and the decided ideas."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Idea.objects.filter(process=process, merged_into__isnull=True)
        .values("chapter_id", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["chapter_id"], {})[row["status"]] = row["n"]
    decided: dict[int, list[Idea]] = {}
    for idea in (
        Idea.objects.filter(
            process=process,
            merged_into__isnull=True,
            status__in=[IdeaStatus.ADOPTED, IdeaStatus.PARTLY_ADOPTED, IdeaStatus.NOT_ADOPTED],
        )
        .only(
            "id",
            "title",
            "status",
            "chapter_id",
            "answer_html",
            "programme_chapter",
            "programme_section",
            "support_count",
            "process_id",
        )
        .order_by("-support_count", "id")
    ):
        decided.setdefault(idea.chapter_id, []).append(idea)
    results = []
    for chapter in process.chapters.all():
        chapter_counts = counts.get(chapter.pk, {})
        results.append(
            ChapterResult(
                chapter=chapter,
                total=sum(chapter_counts.values()),
                counts={status: chapter_counts.get(status, 0) for status in IdeaStatus.values},
                decided=decided.get(chapter.pk, []),
            )
        )
    return results


@dataclass
class DiversityRow:
    name: str
    ideas: int
    submitters: int


def diversity(*, process: ProgrammeProcess) -> dict:
    """Aggregate counts of who submitted, by Gliederung and by region. Never a list of people."""
    rows = list(
        Idea.objects.filter(process=process, merged_into__isnull=True).values_list(
            "gliederung_id", "gliederung__name", "gliederung__path", "author_id"
        )
    )
    by_gliederung: dict[int, dict] = {}
    for gliederung_id, name, _path, author_id in rows:
        entry = by_gliederung.setdefault(gliederung_id, {"name": name, "ideas": 0, "who": set()})
        entry["ideas"] += 1
        entry["who"].add(author_id)
    zentren = list(
        Regionalzentrum.objects.filter(landesverband=process.landesverband).prefetch_related(
            Prefetch("gliederungen", queryset=Gliederung.objects.only("id", "path"))
        )
    )
    by_region: dict[str, dict] = {}
    for _gid, _name, path, author_id in rows:
        region = next(
            (z.name for z in zentren if any(path.startswith(g.path) for g in z.gliederungen.all())),
            None,
        )
        entry = by_region.setdefault(region or "", {"ideas": 0, "who": set()})
        entry["ideas"] += 1
        entry["who"].add(author_id)

    def table(source: dict, name_of) -> list[DiversityRow]:
        result = [
            DiversityRow(
                name=name_of(key, value), ideas=value["ideas"], submitters=len(value["who"])
            )
            for key, value in source.items()
        ]
        return sorted(result, key=lambda row: (-row.ideas, row.name))

    return {
        "total_ideas": len(rows),
        "total_submitters": len({author for *_rest, author in rows}),
        "by_gliederung": table(by_gliederung, lambda key, value: value["name"]),
        "by_region": table(by_region, lambda key, value: key),
    }


def export_rows(*, process: ProgrammeProcess, filters: IdeaFilters) -> list[Idea]:
    qs = (
        Idea.objects.filter(process=process, merged_into__isnull=True)
        .select_related("process", "chapter", "gliederung", "author", "behalf")
        .order_by("chapter__position", "chapter__title", "-support_count", "id")
    )
    if filters.chapter:
        qs = qs.filter(chapter_id=filters.chapter)
    if filters.gliederung:
        qs = qs.filter(gliederung_id=filters.gliederung)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return list(qs)


def my_ideas(*, user: User, limit: int = 8) -> list[Idea]:
    return list(
        Idea.objects.filter(author=user)
        .select_related("process")
        .only("id", "title", "status", "process__slug", "process__title", "merged_into_id")
        .order_by("-created_at")[:limit]
    )


def behalf_requests_to_decide(*, user: User) -> list[BehalfRequest]:
    """Requests to speak for a Gliederung the user leads as Vorstand (staff do not speak for an
    Ortsverein: only its Vorstand does)."""
    vorstand_paths = list(
        Membership.objects.filter(user=user, role=MembershipRole.VORSTAND).values_list(
            "gliederung__path", flat=True
        )
    )
    if not vorstand_paths:
        return []
    condition = Q()
    for path in vorstand_paths:
        condition |= Q(gliederung__path__startswith=path)
    return list(
        BehalfRequest.objects.filter(condition, status=BehalfStatus.PENDING)
        .select_related("gliederung", "idea", "idea__process", "requested_by")
        .order_by("created_at")[:20]
    )


def open_processes_for(*, user: User) -> list[ProgrammeProcess]:
    """Processes collecting ideas right now that this user can take part in."""
    from django.utils import timezone

    from .rules import can_take_part

    now = timezone.now()
    candidates = ProgrammeProcess.objects.filter(
        collect_starts_at__lte=now, collect_ends_at__gt=now
    ).select_related("landesverband")
    return [p for p in candidates[:10] if p.phase == Phase.COLLECT and can_take_part(user, p)]
