"""Factories for Programmideen, as plain functions on top of the real services."""

import itertools
from datetime import timedelta

from django.utils import timezone

from rotesnetz.ideas import services
from rotesnetz.ideas.models import Idea, Participation, Phase, ProgrammeProcess
from rotesnetz.members.models import Gliederung

from .factories import make_staff

_counter = itertools.count(1)
DAY = timedelta(days=1)


def phase_dates(phase: str) -> dict:
    """Dates that put a process in ``phase`` right now."""
    now = timezone.now()
    offsets = {
        Phase.UPCOMING: (2, 10, 20),
        Phase.COLLECT: (-2, 10, 20),
        Phase.REVIEW: (-20, -2, 10),
        Phase.DECIDED: (-30, -20, -2),
    }[phase]
    start, end, review = (now + days * DAY for days in offsets)
    return {"collect_starts_at": start, "collect_ends_at": end, "review_ends_at": review}


def make_process(
    *,
    landesverband: Gliederung,
    phase: str = Phase.COLLECT,
    chapters: tuple[str, ...] = ("Mobilität", "Bildung", "Arbeit im Wandel"),
    participation: str = Participation.LANDESVERBAND,
    gliederungen: list[Gliederung] | None = None,
    allow_self_support: bool = False,
    by=None,
) -> ProgrammeProcess:
    """Opened in the collect phase through the service, then moved to ``phase``."""
    number = next(_counter)
    process = services.process_create(
        by=by or make_staff(landesverband=landesverband),
        landesverband=landesverband,
        title=f"Regierungsprogramm {number}",
        chapters=list(chapters),
        participation=participation,
        gliederungen=gliederungen,
        allow_self_support=allow_self_support,
        **phase_dates(Phase.COLLECT),
    )
    if phase != Phase.COLLECT:
        set_phase(process, phase)
    return process


def set_phase(process: ProgrammeProcess, phase: str) -> ProgrammeProcess:
    dates = phase_dates(phase)
    ProgrammeProcess.objects.filter(pk=process.pk).update(**dates)
    for name, value in dates.items():
        setattr(process, name, value)
    return process


def make_idea(
    process: ProgrammeProcess, author, *, title: str = "", text: str = "", chapter=None, **kwargs
) -> Idea:
    """Submitted through the service (so the process must be collecting)."""
    number = next(_counter)
    return services.idea_submit(
        process=process,
        author=author,
        title=title or f"Idee Nummer {number}",
        text=text or f"Begründung zur Idee {number}.",
        chapter=chapter or process.chapters.first(),
        **kwargs,
    )
