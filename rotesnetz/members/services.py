"""Writes to Mitgliedschaften. Views, admin and commands call these, nothing else writes."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rotesnetz.outbox.services import MailSpec, mail_enqueue, mail_enqueue_many

from .models import (
    Gliederung,
    Membership,
    MembershipRequest,
    MembershipRole,
    Qualification,
    RequestStatus,
    User,
)
from .rules import JOINABLE_KINDS
from .signals import membership_ended

logger = logging.getLogger(__name__)


def membership_request_create(
    *, user: User, gliederung: Gliederung, message: str = ""
) -> MembershipRequest:
    if gliederung.kind not in JOINABLE_KINDS:
        raise ValidationError(_("You can only ask to join an Ortsverein, Abteilung or AG."))
    if Membership.objects.filter(user=user, gliederung=gliederung).exists():
        raise ValidationError(_("You are already a member of %(name)s.") % {"name": gliederung})
    if len(message) > 1000:
        raise ValidationError(_("The message may be at most 1000 characters long."))
    if "\x00" in message:
        raise ValidationError(_("The message contains characters that are not allowed."))
    try:
        with transaction.atomic():
            request = MembershipRequest.objects.create(
                user=user, gliederung=gliederung, message=message.strip()
            )
            _notify_vorstand(request)
    except IntegrityError:
        raise ValidationError(
            _("You have already asked to join %(name)s. The Vorstand will answer soon.")
            % {"name": gliederung}
        ) from None
    logger.info("membership request %s: user %s asks to join %s", request.pk, user.pk, gliederung)
    return request


def _notify_vorstand(request: MembershipRequest) -> None:
    vorstand = Membership.objects.filter(
        gliederung=request.gliederung, role=MembershipRole.VORSTAND
    ).select_related("user")
    mail_enqueue_many(
        [
            MailSpec(
                key=f"members:request:{request.pk}:vorstand:{membership.user_id}",
                to=membership.user.email,
                template="membership_request_new",
                context={
                    "request": request,
                    "gliederung": request.gliederung,
                    "path": reverse("members:gliederung", args=[request.gliederung.slug]),
                },
                purpose="members.request",
            )
            for membership in vorstand
        ]
    )


def membership_request_decide(*, request_id: int, by: User, accept: bool) -> MembershipRequest:
    """Accept or decline a pending request. Decided under a row lock, so twice is harmless."""
    from .rules import can_lead

    with transaction.atomic():
        request = (
            MembershipRequest.objects.select_for_update()
            .select_related("gliederung", "user")
            .get(pk=request_id)
        )
        if not can_lead(by, request.gliederung):
            raise PermissionDenied
        if request.status != RequestStatus.PENDING:
            raise ValidationError(_("This request has already been answered."))
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.decided_at = timezone.now()
        request.decided_by = by
        request.save(update_fields=["status", "decided_at", "decided_by"])
        if accept:
            Membership.objects.get_or_create(user=request.user, gliederung=request.gliederung)
        mail_enqueue(
            MailSpec(
                key=f"members:request:{request.pk}:decision",
                to=request.user.email,
                template="membership_decision",
                context={
                    "accepted": accept,
                    "user": request.user,
                    "gliederung": request.gliederung,
                    "path": reverse("members:mein_netz"),
                },
                purpose="members.decision",
            )
        )
    logger.info("membership request %s %s by user %s", request.pk, request.status, by.pk)
    return request


def membership_request_withdraw(*, request_id: int, user: User) -> None:
    with transaction.atomic():
        request = MembershipRequest.objects.select_for_update().get(pk=request_id, user=user)
        if request.status != RequestStatus.PENDING:
            raise ValidationError(_("This request has already been answered."))
        request.status = RequestStatus.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])


def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    from .rules import can_lead

    if role not in MembershipRole.values:
        raise ValidationError(_("Unknown role."))
    if not can_lead(by, membership.gliederung):
        raise PermissionDenied
    membership.role = role
    membership.save(update_fields=["role"])
    logger.info("membership %s role set to %s by user %s", membership.pk, role, by.pk)
    return membership


def membership_end(*, membership: Membership, by: User) -> None:
    """A member leaves (by themselves) or is removed (by those who lead the Gliederung)."""
    from .rules import can_lead

    if by.pk != membership.user_id and not can_lead(by, membership.gliederung):
        raise PermissionDenied
    user_id, gliederung_id = membership.user_id, membership.gliederung_id
    with transaction.atomic():
        membership.delete()
        transaction.on_commit(
            lambda: membership_ended.send(
                sender=Membership, user_id=user_id, gliederung_id=gliederung_id
            )
        )
    logger.info("membership of user %s in %s ended by user %s", user_id, gliederung_id, by.pk)


def qualification_award(*, user: User, code: str, label: str, source: str = "") -> Qualification:
    """Record a qualification once; awarding it again keeps the first date."""
    qualification, created = Qualification.objects.get_or_create(
        user=user, code=code, defaults={"label": label[:150], "source": source[:200]}
    )
    if created:
        logger.info("qualification %s awarded to user %s", code, user.pk)
    return qualification
