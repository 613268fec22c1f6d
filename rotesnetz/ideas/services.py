"""Writes for Programmideen. Views, the admin and the demo call these; nothing else writes.

Each service checks the rule *and* says in German why it refuses (phase over, not taking part,
already supported, ...), stores under a row lock where counting matters, and queues its mails
in the same transaction (the outbox sends them after commit, one row per person and purpose).
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rotesnetz.markup import render_markdown
from rotesnetz.members.models import Gliederung, GliederungKind, Membership, MembershipRole, User
from rotesnetz.outbox.services import MailSpec, mail_enqueue_many
from rotesnetz.privacy.services import audit_record

from . import rules as idea_rules
from .models import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    DECIDED_STATUSES,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    BehalfRequest,
    BehalfStatus,
    Chapter,
    Comment,
    ExportFormat,
    ExportLog,
    Idea,
    IdeaStatus,
    Participation,
    Phase,
    ProgrammeProcess,
    StatusChange,
    Support,
)

logger = logging.getLogger(__name__)

RESERVED_SLUGS = {"neu", "fuersprache"}


# --- Checks with clear messages -------------------------------------------------------------


def _clean(value: str, *, label: str, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("%(label)s must be text.") % {"label": label})
    value = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationError(_("Please fill in: %(label)s.") % {"label": label})
    if len(value) > limit:
        raise ValidationError(
            _("%(label)s may be at most %(limit)d characters long (you wrote %(length)d).")
            % {"label": label, "limit": limit, "length": len(value)}
        )
    return value


def _require_phase(process: ProgrammeProcess, allowed: tuple[str, ...]) -> None:
    phase = process.phase
    if phase in allowed:
        return
    if phase == Phase.UPCOMING:
        raise ValidationError(_("This programme process has not started yet."))
    if Phase.COLLECT in allowed and Phase.REVIEW not in allowed:
        raise ValidationError(
            _(
                "The phase for collecting ideas has ended. Ideas can no longer be submitted "
                "or supported."
            )
        )
    raise ValidationError(_("This programme process is decided. Nothing can be changed any more."))


def _require_taking_part(user: User, process: ProgrammeProcess) -> None:
    if not idea_rules.can_take_part(user, process):
        raise PermissionDenied(
            _("Only members of the Gliederungen taking part in this process can do that.")
        )


def _require_live(idea: Idea) -> None:
    if idea.merged_into_id:
        raise ValidationError(_("This idea was merged into another one. Please continue there."))


def _locked_idea(idea_id: int) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("process", "process__landesverband", "gliederung")
        .get(pk=idea_id)
    )


# --- Processes ------------------------------------------------------------------------------


def _check_dates(collect_starts_at: datetime, collect_ends_at: datetime, review_ends_at: datetime):
    if not (collect_starts_at and collect_ends_at and review_ends_at):
        raise ValidationError(_("Please give all dates of the phase plan."))
    if not collect_starts_at < collect_ends_at <= review_ends_at:
        raise ValidationError(
            _("The phases must follow each other: collecting starts, collecting ends, review ends.")
        )


def _chapter_titles(chapters: list[str]) -> list[str]:
    titles = []
    for title in chapters:
        title = " ".join((title or "").split())
        if not title:
            continue
        if len(title) > 100:
            raise ValidationError(_("A chapter title may be at most 100 characters long."))
        if title.lower() not in {t.lower() for t in titles}:
            titles.append(title)
    return titles


def process_create(
    *,
    by: User,
    landesverband: Gliederung,
    title: str,
    description: str = "",
    collect_starts_at: datetime,
    collect_ends_at: datetime,
    review_ends_at: datetime,
    chapters: list[str],
    participation: str = Participation.LANDESVERBAND,
    gliederungen: list[Gliederung] | None = None,
    allow_self_support: bool = False,
) -> ProgrammeProcess:
    if not idea_rules.is_landesverband_staff(by, landesverband):
        raise PermissionDenied(_("Only staff of the Landesverband can open a programme process."))
    title = _clean(title, label=_("Title"), limit=150)
    description = _clean(description, label=_("Description"), limit=5000, required=False)
    _check_dates(collect_starts_at, collect_ends_at, review_ends_at)
    titles = _chapter_titles(chapters)
    if not titles:
        raise ValidationError(_("Please name at least one chapter."))
    if participation not in Participation.values:
        raise ValidationError(_("Please choose who may take part."))
    gliederungen = list(gliederungen or [])
    if participation == Participation.CHOSEN:
        if not gliederungen:
            raise ValidationError(_("Please choose the Gliederungen that take part."))
        if any(not g.path.startswith(landesverband.path) for g in gliederungen):
            raise ValidationError(_("Only Gliederungen of this Landesverband can take part."))
    base = slugify(title)[:70] or "programm"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or ProgrammeProcess.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    with transaction.atomic():
        process = ProgrammeProcess.objects.create(
            title=title,
            slug=slug,
            description=description,
            landesverband=landesverband,
            participation=participation,
            allow_self_support=allow_self_support,
            collect_starts_at=collect_starts_at,
            collect_ends_at=collect_ends_at,
            review_ends_at=review_ends_at,
            created_by=by,
        )
        if participation == Participation.CHOSEN:
            process.gliederungen.set(gliederungen)
        Chapter.objects.bulk_create(
            [
                Chapter(process=process, title=chapter, position=index)
                for index, chapter in enumerate(titles)
            ]
        )
    logger.info("programme process %s opened by user %s", process.pk, by.pk)
    return process


def process_update(
    *,
    process: ProgrammeProcess,
    by: User,
    title: str,
    description: str,
    collect_starts_at: datetime,
    collect_ends_at: datetime,
    review_ends_at: datetime,
    new_chapters: list[str],
    allow_self_support: bool,
) -> ProgrammeProcess:
    """Change texts and dates and add chapters. Chapters with ideas are never removed."""
    if not idea_rules.is_commission(by, process):
        raise PermissionDenied(_("Only the programme commission can change this process."))
    title = _clean(title, label=_("Title"), limit=150)
    description = _clean(description, label=_("Description"), limit=5000, required=False)
    _check_dates(collect_starts_at, collect_ends_at, review_ends_at)
    existing = {c.lower() for c in process.chapters.values_list("title", flat=True)}
    titles = [t for t in _chapter_titles(new_chapters) if t.lower() not in existing]
    with transaction.atomic():
        process.title = title
        process.description = description
        process.collect_starts_at = collect_starts_at
        process.collect_ends_at = collect_ends_at
        process.review_ends_at = review_ends_at
        process.allow_self_support = allow_self_support
        process.save(
            update_fields=[
                "title",
                "description",
                "collect_starts_at",
                "collect_ends_at",
                "review_ends_at",
                "allow_self_support",
            ]
        )
        start = len(existing)
        Chapter.objects.bulk_create(
            [
                Chapter(process=process, title=chapter, position=start + index)
                for index, chapter in enumerate(titles)
            ]
        )
    return process


# --- Ideas ----------------------------------------------------------------------------------


def submitter_gliederungen(*, user: User, process: ProgrammeProcess) -> list[Gliederung]:
    """The Gliederungen an idea of ``user`` can come from: their memberships in the scope."""
    if not user.is_authenticated:
        return []
    return [
        membership.gliederung
        for membership in Membership.objects.filter(
            idea_rules.participation_filter(process), user=user
        )
        .select_related("gliederung")
        .order_by("gliederung__depth", "gliederung__name")
    ]


def idea_submit(
    *,
    process: ProgrammeProcess,
    author: User,
    title: str,
    text: str,
    chapter: Chapter,
    gliederung: Gliederung | None = None,
    on_behalf: bool = False,
) -> Idea:
    _require_phase(process, (Phase.COLLECT,))
    _require_taking_part(author, process)
    title = " ".join(_clean(title, label=_("Title"), limit=TITLE_MAX_LENGTH).split())
    text = _clean(text, label=_("Text"), limit=TEXT_MAX_LENGTH)
    if chapter is None or chapter.process_id != process.pk:
        raise ValidationError(_("Please choose a chapter of this programme."))
    options = submitter_gliederungen(user=author, process=process)
    if gliederung is None:
        gliederung = options[0]
    elif gliederung.pk not in {g.pk for g in options}:
        raise ValidationError(_("You can only submit ideas from a Gliederung you belong to."))
    vorstand = []
    self_confirmed = False
    if on_behalf:
        if gliederung.kind not in idea_rules.BEHALF_KINDS:
            raise ValidationError(
                _("Ideas can be submitted in the name of an Ortsverein, Abteilung or AG only.")
            )
        self_confirmed = idea_rules.is_vorstand_of(author, gliederung)
        if not self_confirmed:
            vorstand = list(
                Membership.objects.filter(gliederung=gliederung, role=MembershipRole.VORSTAND)
                .select_related("user")
                .exclude(user=author)
            )
            if not vorstand:
                raise ValidationError(
                    _(
                        "Nobody of the Vorstand of %(name)s is on the platform yet, so nobody "
                        "could agree. Please submit the idea in your own name."
                    )
                    % {"name": gliederung.name}
                )
    with transaction.atomic():
        idea = Idea.objects.create(
            process=process,
            chapter=chapter,
            author=author,
            gliederung=gliederung,
            title=title,
            text=text,
            html=render_markdown(text),
        )
        if on_behalf:
            behalf = BehalfRequest.objects.create(
                idea=idea,
                gliederung=gliederung,
                requested_by=author,
                status=BehalfStatus.CONFIRMED if self_confirmed else BehalfStatus.PENDING,
                decided_by=author if self_confirmed else None,
                decided_at=timezone.now() if self_confirmed else None,
            )
            mail_enqueue_many(
                [
                    MailSpec(
                        key=f"ideas:behalf:{behalf.pk}:vorstand:{membership.user_id}",
                        to=membership.user.email,
                        template="ideas/behalf_request",
                        context={"idea": idea, "gliederung": gliederung, "author": author},
                        purpose="ideas.behalf",
                        related=f"idea:{idea.pk}",
                    )
                    for membership in vorstand
                ]
            )
    logger.info("idea %s submitted to process %s by user %s", idea.pk, process.pk, author.pk)
    return idea


def behalf_decide(*, behalf_id: int, by: User, accept: bool) -> BehalfRequest:
    with transaction.atomic():
        behalf = (
            BehalfRequest.objects.select_for_update(of=("self",))
            .select_related("gliederung", "idea", "idea__process", "requested_by")
            .get(pk=behalf_id)
        )
        if not idea_rules.can_decide_behalf(by, behalf):
            raise PermissionDenied(
                _("Only the Vorstand of %(name)s can decide this.")
                % {"name": behalf.gliederung.name}
            )
        if behalf.status != BehalfStatus.PENDING:
            raise ValidationError(_("This request has already been answered."))
        behalf.status = BehalfStatus.CONFIRMED if accept else BehalfStatus.DECLINED
        behalf.decided_by = by
        behalf.decided_at = timezone.now()
        behalf.save(update_fields=["status", "decided_by", "decided_at"])
        if behalf.requested_by is not None:
            mail_enqueue_many(
                [
                    MailSpec(
                        key=f"ideas:behalf:{behalf.pk}:decision",
                        to=behalf.requested_by.email,
                        template="ideas/behalf_decision",
                        context={"behalf": behalf, "idea": behalf.idea, "accepted": accept},
                        purpose="ideas.behalf",
                        related=f"idea:{behalf.idea_id}",
                    )
                ]
            )
    logger.info("behalf request %s %s by user %s", behalf.pk, behalf.status, by.pk)
    return behalf


def _recount_supports(idea_id: int) -> None:
    Idea.objects.filter(pk=idea_id).update(
        support_count=Support.objects.filter(idea_id=idea_id).count()
    )


def idea_support(*, idea: Idea, user: User) -> Support:
    with transaction.atomic():
        idea = _locked_idea(idea.pk)
        _require_phase(idea.process, (Phase.COLLECT,))
        _require_live(idea)
        _require_taking_part(user, idea.process)
        if idea.author_id == user.pk and not idea.process.allow_self_support:
            raise ValidationError(_("In this process you cannot support your own idea."))
        if Support.objects.filter(idea=idea, user=user).exists():
            raise ValidationError(_("You already support this idea."))
        try:
            with transaction.atomic():
                support = Support.objects.create(idea=idea, user=user)
        except IntegrityError:  # a double click that raced the check above
            raise ValidationError(_("You already support this idea.")) from None
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    return support


def idea_unsupport(*, idea: Idea, user: User) -> None:
    with transaction.atomic():
        idea = _locked_idea(idea.pk)
        _require_phase(idea.process, (Phase.COLLECT,))
        deleted, _unused = Support.objects.filter(idea=idea, user=user).delete()
        if not deleted:
            raise ValidationError(_("You do not support this idea."))
        Idea.objects.filter(pk=idea.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )


def comment_post(*, idea: Idea, author: User, text: str) -> Comment:
    _require_phase(idea.process, (Phase.COLLECT, Phase.REVIEW))
    _require_live(idea)
    _require_taking_part(author, idea.process)
    text = _clean(text, label=_("Comment"), limit=COMMENT_MAX_LENGTH)
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea, author=author, text=text, html=render_markdown(text)
        )
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment


# --- The commission -------------------------------------------------------------------------


def _require_commission(user: User, process: ProgrammeProcess) -> None:
    if not idea_rules.is_commission(user, process):
        raise PermissionDenied(_("Only the programme commission can do that."))


def idea_status_change(
    *,
    idea: Idea,
    by: User,
    status: str,
    answer: str = "",
    programme_chapter: str = "",
    programme_section: str = "",
) -> StatusChange:
    """Move an idea on; the submitter and every supporter get one mail each."""
    _require_commission(by, idea.process)
    _require_phase(idea.process, (Phase.COLLECT, Phase.REVIEW))
    if status not in IdeaStatus.values:
        raise ValidationError(_("Please choose a status."))
    answer = _clean(answer, label=_("Answer"), limit=ANSWER_MAX_LENGTH, required=False)
    programme_chapter = _clean(
        programme_chapter, label=_("Chapter in the programme"), limit=150, required=False
    )
    programme_section = _clean(
        programme_section, label=_("Section in the programme"), limit=150, required=False
    )
    if status in DECIDED_STATUSES and not answer:
        raise ValidationError(
            _("Please write a public answer: members want to know why the idea was decided so.")
        )
    if status in (IdeaStatus.ADOPTED, IdeaStatus.PARTLY_ADOPTED) and not programme_chapter:
        raise ValidationError(
            _("Please name the place in the programme text (chapter) where the idea went.")
        )
    if status not in (IdeaStatus.ADOPTED, IdeaStatus.PARTLY_ADOPTED):
        programme_chapter = programme_section = ""
    with transaction.atomic():
        idea = _locked_idea(idea.pk)
        _require_live(idea)
        if (
            status == idea.status
            and answer == idea.answer
            and programme_chapter == idea.programme_chapter
            and programme_section == idea.programme_section
        ):
            raise ValidationError(_("Nothing has changed."))
        answer_html = render_markdown(answer) if answer else ""
        change = StatusChange.objects.create(
            idea=idea,
            status_from=idea.status,
            status_to=status,
            answer=answer,
            answer_html=answer_html,
            programme_chapter=programme_chapter,
            programme_section=programme_section,
            changed_by=by,
        )
        idea.status = status
        idea.answer = answer
        idea.answer_html = answer_html
        idea.programme_chapter = programme_chapter
        idea.programme_section = programme_section
        idea.save(
            update_fields=[
                "status",
                "answer",
                "answer_html",
                "programme_chapter",
                "programme_section",
                "updated_at",
            ]
        )
        _notify_status(idea, change)
    logger.info("idea %s: %s → %s by user %s", idea.pk, change.status_from, status, by.pk)
    return change


def _notify_status(idea: Idea, change: StatusChange) -> None:
    recipients: dict[int, User] = {}
    if idea.author is not None and idea.author.is_active:
        recipients[idea.author_id] = idea.author
    for support in Support.objects.filter(idea=idea, user__is_active=True).select_related("user"):
        recipients.setdefault(support.user_id, support.user)
    mail_enqueue_many(
        [
            MailSpec(
                key=f"ideas:status:{change.pk}:{user.pk}",
                to=user.email,
                template="ideas/status_changed",
                context={
                    "idea": idea,
                    "change": change,
                    "is_author": user.pk == idea.author_id,
                    "path": idea.get_absolute_url(),
                },
                purpose="ideas.status",
                related=f"idea:{idea.pk}",
            )
            for user in recipients.values()
        ]
    )


def idea_merge(*, duplicate: Idea, into: Idea, by: User) -> Idea:
    """Merge ``duplicate`` into ``into``: its supporters (and its author) now support ``into``,
    its comments move along, and it points to ``into`` from then on."""
    _require_commission(by, duplicate.process)
    _require_phase(duplicate.process, (Phase.COLLECT, Phase.REVIEW))
    if duplicate.pk == into.pk:
        raise ValidationError(_("An idea cannot be merged into itself."))
    if duplicate.process_id != into.process_id:
        raise ValidationError(_("Only ideas of the same process can be merged."))
    with transaction.atomic():
        # Lock both rows in id order so that two merges never deadlock.
        locked = {
            idea.pk: idea
            for idea in Idea.objects.select_for_update(of=("self",))
            .select_related("process", "author")
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        if duplicate.merged_into_id or into.merged_into_id:
            raise ValidationError(_("One of these ideas has already been merged."))
        already = set(Support.objects.filter(idea=into).values_list("user_id", flat=True))
        movers = set(Support.objects.filter(idea=duplicate).values_list("user_id", flat=True))
        if duplicate.author_id:
            movers.add(duplicate.author_id)
        if not into.process.allow_self_support:
            movers.discard(into.author_id)
        Support.objects.bulk_create(
            [Support(idea=into, user_id=user_id) for user_id in movers - already],
            ignore_conflicts=True,
        )
        Support.objects.filter(idea=duplicate).delete()
        Comment.objects.filter(idea=duplicate).update(idea=into)
        duplicate.merged_into = into
        duplicate.support_count = 0
        duplicate.comment_count = 0
        duplicate.save(
            update_fields=["merged_into", "support_count", "comment_count", "updated_at"]
        )
        _recount_supports(into.pk)
        Idea.objects.filter(pk=into.pk).update(
            comment_count=Comment.objects.filter(idea_id=into.pk).count()
        )
        if duplicate.author is not None:
            mail_enqueue_many(
                [
                    MailSpec(
                        key=f"ideas:merged:{duplicate.pk}:{duplicate.author_id}",
                        to=duplicate.author.email,
                        template="ideas/merged",
                        context={"idea": duplicate, "into": into, "path": into.get_absolute_url()},
                        purpose="ideas.merged",
                        related=f"idea:{duplicate.pk}",
                    )
                ]
            )
    logger.info("idea %s merged into %s by user %s", duplicate.pk, into.pk, by.pk)
    into.refresh_from_db()
    return into


# --- Discussion in a room -------------------------------------------------------------------


def idea_open_discussion(*, idea: Idea, by: User):
    """Open a room of the submitting Gliederung for this idea; the room's topic links back."""
    from rotesnetz.rooms import services as room_services
    from rotesnetz.rooms.models import Visibility
    from rotesnetz.rooms.services import RoomError

    _require_phase(idea.process, (Phase.COLLECT, Phase.REVIEW))
    _require_live(idea)
    if not idea_rules.leads_rooms_of_idea_gliederung(by, idea):
        raise PermissionDenied(
            _("Only the Vorstand or the moderation of %(name)s can open a room for this idea.")
            % {"name": idea.gliederung.name}
        )
    with transaction.atomic():
        idea = _locked_idea(idea.pk)
        if idea.room_id:
            raise ValidationError(_("This idea already has a discussion room."))
        prefix = _("Idea #%(number)d: ") % {"number": idea.pk}
        name = (prefix + idea.title)[:100]
        topic = _("Discussion of the programme idea: %(url)s") % {
            "url": settings.SITE_URL + idea.get_absolute_url()
        }
        # Members of this Gliederung and of those below it: for an Ortsverein that is its
        # members, for a Kreisverband or an AG everyone whose Gliederung hangs below it.
        visibility = (
            Visibility.MEMBERS
            if idea.gliederung.kind == GliederungKind.ARBEITSGEMEINSCHAFT
            else Visibility.SUBTREE
        )
        try:
            room = room_services.room_create(
                gliederung=idea.gliederung,
                by=by,
                name=name,
                topic=topic[:300],
                visibility=visibility,
            )
        except RoomError as error:
            raise ValidationError(error.message) from None
        idea.room = room
        idea.save(update_fields=["room", "updated_at"])
    return room


# --- Exports --------------------------------------------------------------------------------


def export_log(
    *, process: ProgrammeProcess, by: User, fmt: str, filters: dict, row_count: int
) -> ExportLog:
    _require_commission(by, process)
    if fmt not in ExportFormat.values:
        raise ValidationError(_("Unknown export format."))
    entry = ExportLog.objects.create(
        process=process, user=by, format=fmt, filters=filters, row_count=row_count
    )
    audit_record(actor=by, action="ideas.export", target=process, filters=filters, count=row_count)
    logger.info(
        "ideas export %s of process %s by user %s, filters %s", fmt, process.pk, by.pk, filters
    )
    return entry
