"""What the outbox hands to the privacy registry: mails to the person (export: when, why,
subject, status – not the bodies, which may name other people), and their erasure."""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rotesnetz.privacy import registry
from rotesnetz.privacy.coded import coded, with_label

from .models import MailStatus, OutboundMail
from .services import outbound_purge


def export_outbox(user) -> list[dict]:
    from rotesnetz.privacy.services import identity_of

    emails = identity_of(user).emails
    return [
        {
            "to": mail.to,
            "subject": mail.subject,
            # Each part names the purposes of its mails (``registry.register``).
            "purpose": with_label(mail.purpose, registry.mail_purpose_label(mail.purpose)),
            "status": coded(mail, "status"),
            "created_at": mail.created_at,
            "sent_at": mail.sent_at,
        }
        for mail in OutboundMail.objects.filter(to__in=emails).order_by("created_at")
    ]


def erase_outbox(user) -> None:
    """Mails to the person go; mails to others that name the person go once sent, and still
    waiting ones lose the name."""
    from rotesnetz.privacy.services import identity_of, rows_naming, scrub_rows

    identity = identity_of(user)
    addressed = Q()
    for email in identity.emails:
        addressed |= Q(to__iexact=email)
    if addressed:
        OutboundMail.objects.filter(addressed).delete()
    naming = rows_naming(OutboundMail.objects.all(), identity, ["subject", "body", "related"])
    naming.filter(status__in=[MailStatus.SENT, MailStatus.FAILED]).delete()
    scrub_rows(
        OutboundMail.objects.filter(status__in=[MailStatus.QUEUED, MailStatus.SENDING]),
        identity,
        ["subject", "body", "related"],
    )
    # Calendar attachments of waiting mails may carry the name too.
    for mail in OutboundMail.objects.filter(
        status__in=[MailStatus.QUEUED, MailStatus.SENDING]
    ).exclude(attachments=[]):
        attachments = [
            {**item, "content": identity.scrub(item.get("content", ""))}
            for item in mail.attachments
        ]
        if attachments != mail.attachments:
            OutboundMail.objects.filter(pk=mail.pk).update(attachments=attachments)


def retain_outbox(now) -> dict[str, int]:
    return {"sent_mails": outbound_purge(older_than_days=settings.OUTBOX_RETENTION_DAYS, now=now)}


def register() -> None:
    registry.register(
        "outbox",
        label=_("Mails sent to you"),
        export=export_outbox,
        erase=erase_outbox,
        retain=retain_outbox,
        order=85,
    )
