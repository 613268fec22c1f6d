"""Enqueue, send and retry mails through the outbox. Every mail of the platform goes here."""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import MailStatus, OutboundMail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 6
STALE_SENDING = timedelta(minutes=10)


@dataclass
class Attachment:
    filename: str
    content: str
    mimetype: str = "text/calendar; charset=utf-8; method=REQUEST"


@dataclass
class MailSpec:
    """One mail to one person, rendered from ``emails/<template>_subject.txt`` and ``_body.txt``."""

    key: str
    to: str
    template: str
    context: dict
    purpose: str
    related: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    language: str | None = None


def _render(spec: MailSpec) -> OutboundMail:
    context = {"brand_name": settings.BRAND_NAME, "site_url": settings.SITE_URL, **spec.context}
    with translation.override(spec.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{spec.template}_subject.txt", context)
        body = render_to_string(f"emails/{spec.template}_body.txt", context)
    return OutboundMail(
        key=spec.key[:200],
        purpose=spec.purpose,
        related=spec.related,
        to=spec.to,
        # Subjects never carry line breaks: that would be a header injection.
        subject=" ".join(subject.split())[:300],
        body=body,
        attachments=[a.__dict__ for a in spec.attachments],
    )


def mail_enqueue_many(specs: list[MailSpec]) -> list[int]:
    """Write the mails (skipping keys already there) and send them after commit.

    Returns the ids of the rows that were new. Call it inside the business transaction.
    """
    if not specs:
        return []
    rows = [_render(spec) for spec in specs]
    keys = [row.key for row in rows]
    existing = set(OutboundMail.objects.filter(key__in=keys).values_list("key", flat=True))
    OutboundMail.objects.bulk_create(
        [row for row in rows if row.key not in existing], ignore_conflicts=True
    )
    new_ids = list(
        OutboundMail.objects.filter(key__in=set(keys) - existing, status=MailStatus.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    transaction.on_commit(lambda: outbound_dispatch(ids=new_ids))
    return new_ids


def mail_enqueue(spec: MailSpec) -> int | None:
    ids = mail_enqueue_many([spec])
    return ids[0] if ids else None


def outbound_dispatch(*, ids: list[int]) -> None:
    """Hand the rows to Celery in batches. If the broker is down, the sweeper sends them later."""
    from . import tasks

    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        try:
            tasks.send_batch.delay(ids=chunk)
        except Exception:  # the broker is unreachable: the rows stay queued for the sweeper
            logger.warning("outbox: broker unreachable, %d mails wait for the sweeper", len(chunk))
            return


def _claim(ids: list[int]) -> list[OutboundMail]:
    """Lock and mark the still-queued rows as sending, so no other worker sends them too."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(id__in=ids, status=MailStatus.QUEUED)
            .order_by("id")
        )
        for row in rows:
            row.status = MailStatus.SENDING
            row.sending_since = now
            row.attempts += 1
        OutboundMail.objects.bulk_update(rows, ["status", "sending_since", "attempts"])
    return rows


def _message(row: OutboundMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=row.subject, body=row.body, to=[row.to])
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def outbound_send_batch(*, ids: list[int]) -> dict[str, int]:
    """Send the rows over one SMTP connection; each row ends sent, failed or queued again."""
    rows = _claim(ids)
    counts = {"sent": 0, "failed": 0, "retry": 0}
    if not rows:
        return counts
    connection = mailers.default
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        _requeue(rows, str(error))
        counts["retry"] = len(rows)
        return counts
    try:
        for index, row in enumerate(rows):
            try:
                connection.send_messages([_message(row)])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
                _fail(row, _smtp_reason(error))
                counts["failed"] += 1
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke: this row and the rest go back to the queue.
                _requeue(rows[index:], str(error))
                counts["retry"] += len(rows) - index
                break
            else:
                OutboundMail.objects.filter(pk=row.pk).update(
                    status=MailStatus.SENT, sent_at=timezone.now(), last_error=""
                )
                counts["sent"] += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return counts


def _smtp_reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        reasons = [
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        ]
        return "; ".join(reasons)[:1000]
    return str(error)[:1000]


def _fail(row: OutboundMail, reason: str) -> None:
    OutboundMail.objects.filter(pk=row.pk).update(status=MailStatus.FAILED, last_error=reason)
    logger.warning("outbox: mail %s to recipient failed: %s", row.pk, reason)


def _requeue(rows: list[OutboundMail], reason: str) -> None:
    now = timezone.now()
    for row in rows:
        if row.attempts >= MAX_ATTEMPTS:
            _fail(row, reason)
            continue
        backoff = timedelta(seconds=min(3600, 30 * 2 ** (row.attempts - 1)))
        OutboundMail.objects.filter(pk=row.pk).update(
            status=MailStatus.QUEUED, next_attempt_at=now + backoff, last_error=reason[:1000]
        )


def outbound_sweep() -> int:
    """Send what the broker never delivered, what is due for a retry, and what a dead worker
    left in "sending". Returns how many rows were handed out again."""
    now = timezone.now()
    OutboundMail.objects.filter(
        status=MailStatus.SENDING, sending_since__lt=now - STALE_SENDING
    ).update(status=MailStatus.QUEUED, next_attempt_at=None)
    due = list(
        OutboundMail.objects.filter(
            status=MailStatus.QUEUED, created_at__lt=now - timedelta(seconds=30)
        )
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
        .values_list("id", flat=True)[:5000]
    )
    outbound_dispatch(ids=due)
    return len(due)


def outbound_retry(*, ids: list[int]) -> int:
    """Staff resend failed mails."""
    changed = OutboundMail.objects.filter(id__in=ids, status=MailStatus.FAILED).update(
        status=MailStatus.QUEUED, attempts=0, next_attempt_at=None
    )
    transaction.on_commit(lambda: outbound_dispatch(ids=list(ids)))
    return changed


def outbound_purge(*, older_than_days: int, now=None) -> int:
    """Delete sent and failed mails after the retention period (they hold personal data)."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _ = OutboundMail.objects.filter(
        status__in=[MailStatus.SENT, MailStatus.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
