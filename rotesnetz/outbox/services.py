"""Enqueue, send and retry mails through the outbox. Every mail of the platform goes here."""

import base64
import binascii
import contextlib
import functools
import hashlib
import logging
import re
import select
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy as email_policy
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from psycopg import pq

from .models import MailStatus, OutboundMail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 6
# Rows a worker claimed but never handed to the SMTP server go back to the queue after this
# long (``settings.OUTBOX_STALE_SENDING_SECONDS`` overrides it). Taking a row back is safe even
# from a worker that is only slow: it hands a mail over only while it still holds the claim.
STALE_SENDING = timedelta(minutes=10)
_COMMIT_TIMEOUT = 30.0


def _stale_sending() -> timedelta:
    seconds = getattr(settings, "OUTBOX_STALE_SENDING_SECONDS", None)
    return timedelta(seconds=seconds) if seconds is not None else STALE_SENDING


@dataclass
class Attachment:
    filename: str
    content: str
    mimetype: str = "text/calendar; charset=utf-8; method=REQUEST"


@dataclass
class MailSpec:
    """One mail to one person, rendered from ``emails/<template>_subject.txt`` and ``_body.txt``.

    ``rendered`` (subject, body) skips the templates: ``MailMerge`` renders them once for many
    recipients and fills in each one.
    """

    key: str
    to: str
    template: str
    context: dict
    purpose: str
    related: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    language: str | None = None
    rendered: tuple[str, str] | None = None


def _render_templates(template: str, context: dict, language: str | None) -> tuple[str, str]:
    context = {"brand_name": settings.BRAND_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    return subject, body


class MailMerge:
    """Render a mail once for many recipients, then fill in what differs per person.

    The templates are rendered with a marker for each per-person value (``fields``); every
    recipient's text is the rendered text with the markers replaced. Rendering thousands of
    mails one by one cost more than sending them. Use it only for templates that print the
    per-person values as they are (``{% autoescape off %}``), as plain-text mails do.
    """

    def __init__(self, template: str, context: dict, *, fields: tuple[str, ...], language=None):
        self.template = template
        self.markers = {name: f"\x00{name}\x00" for name in fields}
        self.subject, self.body = _render_templates(template, {**context, **self.markers}, language)

    def fill(self, values: dict) -> tuple[str, str]:
        subject, body = self.subject, self.body
        for name, marker in self.markers.items():
            value = str(values[name])
            subject = subject.replace(marker, value)
            body = body.replace(marker, value)
        return subject, body


def _render(spec: MailSpec) -> OutboundMail:
    if spec.rendered is not None:
        subject, body = spec.rendered
    else:
        subject, body = _render_templates(spec.template, spec.context, spec.language)
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
    """Lock and mark the still-queued rows as sending, so no other worker sends them too.

    ``sending_since`` and ``attempts`` together are this worker's claim on each row."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(id__in=ids, status=MailStatus.QUEUED)
            .order_by("id")
        )
        # One statement for the batch (bulk_update built a CASE per row and field).
        OutboundMail.objects.filter(id__in=[row.pk for row in rows]).update(
            status=MailStatus.SENDING, sending_since=now, attempts=F("attempts") + 1
        )
        for row in rows:
            row.status = MailStatus.SENDING
            row.sending_since = now
            row.attempts += 1
    return rows


def _message(row: OutboundMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=row.subject, body=row.body, to=[row.to])
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


# --- Delivery -------------------------------------------------------------------------------
#
# A mail counts as sent when the row says so, and the row says so only if this worker still
# holds its claim (compare-and-set on ``sending_since`` and ``attempts``). Over SMTP the row is
# marked *after* the message text went out and *before* the final "." that makes the server
# accept it (RFC 5321 4.1.1.4: a server that never saw the "." discards the message). So:
#   - a worker killed before the mark leaves the row in "sending" and the server discarded the
#     text: the sweeper hands the row out again, nobody got it twice;
#   - a worker killed after it wrote the "." leaves the row "sent", and the server has the mail;
#   - a slow worker whose row the sweeper took back loses the compare-and-set, drops the
#     connection without the "." and leaves the row to whoever claimed it now.
#
# On PostgreSQL the mark is split in two so that the "." does not wait for a round trip: the
# compare-and-set runs in an open transaction (its row lock keeps the sweeper away, and its
# row count says whether the claim still holds); then COMMIT and the "." are written one right
# after the other, and only then are both answers read. COMMIT is written into a corked socket
# (TCP_CORK): it wakes no PostgreSQL process that could take the CPU before the "." is out, and
# the kernel still sends it if the worker dies after writing it. What is left is the gap
# between those two writes, a few microseconds of this process: a worker killed exactly there
# has committed "sent" without the "." and that one mail is lost. (Before, the gap was the
# rest of the UPDATE's round trip, 0.1-1 ms, and random kills hit it in about one try of five;
# without the cork, on a busy machine, the woken backend could stretch it to a time slice.)
# The COMMIT itself can still fail after the "." went out, but only if PostgreSQL goes away
# in that instant; the row then stays "sending" and a second copy is possible (logged as an
# error). ``bench/outbox_kills.py`` measures both with random kills. A graceful stop
# (SIGTERM: Celery finishes the running batch) never hits either.

_QP_UTF8 = Charset("utf-8")
_QP_UTF8.body_encoding = QP
_B64_UTF8 = Charset("utf-8")
_B64_UTF8.body_encoding = BASE64
_SMTP_POLICY = email_policy.compat32.clone(linesep="\r\n")
_LEADING_DOT = re.compile(rb"(?m)^\.")
_SIMPLE_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")
_LINE_ENDS = re.compile(r"\r\n|\r|\n")


class _ClaimLost(Exception):
    """Another worker owns the row now; this one must not hand it over."""


class _AfterHandOver(Exception):
    """The server did not confirm a mail already marked as sent."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def _hand_over_sql() -> str:
    table = connection.ops.quote_name(OutboundMail._meta.db_table)
    # Only the quoted name of our own table is put in; every value is a bound parameter.
    return (
        f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '' "  # noqa: S608  # nosec B608
        "WHERE id = %s AND status = %s AND sending_since = %s AND attempts = %s"
    )


def _hand_over_params(row: OutboundMail) -> list:
    # Hand-written SQL gets its datetimes as the ORM would write them: SQLite stores them as
    # naive UTC text, and an aware value would never equal the stored claim.
    adapt = connection.ops.adapt_datetimefield_value
    return [
        MailStatus.SENT,
        adapt(timezone.now()),
        row.pk,
        MailStatus.SENDING,
        adapt(row.sending_since),
        row.attempts,
    ]


def _hand_over(row: OutboundMail) -> bool:
    """Compare-and-set "sending" → "sent" for this worker's claim, committed at once."""
    with connection.cursor() as cursor:
        cursor.execute(_hand_over_sql(), _hand_over_params(row))
        return cursor.rowcount == 1


def _pipelined_commit() -> bool:
    """True where the mark can be committed without waiting (see "Delivery"): PostgreSQL with
    the driver in autocommit, as the worker runs. Tests inside a transaction take the plain way."""
    return connection.vendor == "postgresql" and connection.get_autocommit()


def _hand_over_open(row: OutboundMail) -> bool:
    """The compare-and-set in a transaction left open, so the row stays locked until COMMIT.

    BEGIN and the prepared UPDATE go out together: one round trip, as before the split."""
    connection.ensure_connection()
    driver = connection.connection
    with connection.wrap_database_errors:
        with driver.pipeline():
            driver.execute("BEGIN")
            cursor = driver.execute(_hand_over_sql(), _hand_over_params(row), prepare=True)
        if cursor.rowcount == 1:
            return True
        driver.execute("ROLLBACK")
        return False


def _send_commit() -> None:
    """Write COMMIT for the open hand-over and return without waiting for the answer."""
    pgconn = connection.connection.pgconn
    with connection.wrap_database_errors:
        pgconn.send_query(b"COMMIT")
        while pgconn.flush():  # the connection is non-blocking: write the rest when it can
            select.select([], [pgconn.socket], [], _COMMIT_TIMEOUT)


@contextlib.contextmanager
def _held_back(fd: int):
    """Cork the database socket while COMMIT and the "." are written (see "Delivery").

    Written into a corked socket, COMMIT waits in the kernel and wakes no PostgreSQL process
    that could take the CPU from this worker before it writes the "."; it goes out when the
    cork is pulled, or when the kernel closes the socket of a worker killed in between."""
    sock = socket.socket(fileno=fd)  # a view of the driver's socket; detached, never closed
    try:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            corked = True
        except OSError:  # a Unix socket: nothing to hold back, the order stays the same
            corked = False
        yield
    finally:
        if corked:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        sock.detach()


def _commit_answer() -> str | None:
    """Read the answer to :func:`_send_commit`; None if it committed, else PostgreSQL's reason."""
    pgconn = connection.connection.pgconn
    deadline = time.monotonic() + _COMMIT_TIMEOUT
    with connection.wrap_database_errors:
        pgconn.consume_input()
        while pgconn.is_busy():
            if time.monotonic() > deadline:
                return "no answer to COMMIT"
            select.select([pgconn.socket], [], [], 1.0)
            pgconn.consume_input()
        reason = None
        # Read to the end, so the connection is ready for the next statement.
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                reason = (result.error_message or b"COMMIT failed").decode(errors="replace")
    return reason


def _header(value: str) -> str:
    """A header value; non-ASCII text as RFC 2047 encoded words, folded."""
    if value.isascii():
        return value
    words, chunk = [], ""
    for char in value:
        # 45 bytes of UTF-8 make 60 characters of base64: the word stays under 75.
        if len((chunk + char).encode()) > 45:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    encoded = [f"=?utf-8?b?{base64.b64encode(word.encode()).decode()}?=" for word in words]
    return "\r\n ".join(encoded)


@functools.lru_cache(maxsize=32)
def _base64_part(content: str) -> bytes:
    """Attachments repeat across a batch (the same calendar for everyone): encode once."""
    return base64.encodebytes(content.encode()).replace(b"\n", b"\r\n")


def _plain_attachment(attachment: dict) -> bytes | None:
    """The attachment part, or None where the standard library's builder should do it."""
    mimetype, *params = [part.strip() for part in attachment["mimetype"].split(";")]
    filename = attachment["filename"]
    if (
        not mimetype.startswith("text/")
        or not filename.isascii()
        or any(char in filename for char in '"\r\n')
    ):
        return None
    extra = "".join(
        f'; {name.strip()}="{value.strip().strip(chr(34))}"'
        for name, _, value in (param.partition("=") for param in params)
        if name.strip().lower() != "charset" and value.strip().isascii()
    )
    return (
        f'Content-Type: {mimetype}; charset="utf-8"{extra}\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="{filename}"\r\n\r\n'
    ).encode() + _base64_part(attachment["content"])


@functools.lru_cache(maxsize=8)
def _sender(from_email: str) -> tuple[str, str, str]:
    """(display name, address, domain) of DEFAULT_FROM_EMAIL, parsed once."""
    name, address = parseaddr(from_email)
    address = address or from_email
    return name, address, address.rpartition("@")[2] or "localhost"


def _mime_bytes(row: OutboundMail, from_email: str) -> bytes:
    """The message as SMTP bytes (CRLF). Built by hand for plain text and text attachments:
    the standard library's generator spent most of its time folding headers and compiling a
    regular expression for every boundary (about 1 ms a mail); other mails go through it."""
    parts = [_plain_attachment(attachment) for attachment in row.attachments]
    if any(part is None for part in parts) or not _SIMPLE_ADDRESS.match(row.to):
        return _mime_bytes_stdlib(row, from_email)
    name, address, domain = _sender(from_email)
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:16]
    headers = [
        f"Subject: {_header(row.subject)}",
        f"From: {from_email if from_email.isascii() else f'{_header(name)} <{address}>'}",
        f"To: {row.to}",
        f"Date: {formatdate()}",
        # Stable per row: should a receiver ever see it twice, it can tell.
        f"Message-ID: <outbox.{row.pk}.{digest}@{domain}>",
        "MIME-Version: 1.0",
    ]
    text = _LINE_ENDS.sub("\r\n", row.body).encode()
    text_part = (
        b'Content-Type: text/plain; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + binascii.b2a_qp(text, istext=True)
    )
    if not parts:
        return ("\r\n".join(headers) + "\r\n").encode() + text_part
    # "=_" cannot occur in quoted-printable text, "_" never in base64.
    boundary = f"=_rn_{digest}_="
    headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    delimiter = f"\r\n--{boundary}\r\n".encode()
    body = delimiter.join([b"", text_part, *parts])
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()


def _mime_bytes_stdlib(row: OutboundMail, from_email: str) -> bytes:
    text = MIMEText(row.body, "plain", _QP_UTF8)
    if row.attachments:
        message = MIMEMultipart("mixed")
        message.attach(text)
        for attachment in row.attachments:
            mimetype, *params = [part.strip() for part in attachment["mimetype"].split(";")]
            maintype, _, subtype = mimetype.partition("/")
            if maintype == "text":
                part = MIMEText(attachment["content"], subtype, _B64_UTF8)
            else:
                part = MIMEApplication(attachment["content"].encode(), subtype)
            for param in params:
                name, _, value = param.partition("=")
                if name.lower() != "charset":
                    part.set_param(name, value.strip('"'))
            part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
            message.attach(part)
    else:
        message = text
    name, address = parseaddr(from_email)
    domain = address.rpartition("@")[2] or "localhost"
    message["Subject"] = Header(row.subject, "utf-8") if not row.subject.isascii() else row.subject
    message["From"] = from_email if from_email.isascii() else Header(from_email, "utf-8")
    message["To"] = row.to
    message["Date"] = formatdate()
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:16]
    message["Message-ID"] = f"<outbox.{row.pk}.{digest}@{domain}>"
    return message.as_bytes(policy=_SMTP_POLICY)


def _envelope_address(backend: SmtpBackend, address: str) -> str:
    if _SIMPLE_ADDRESS.match(address):
        return address
    return backend.prep_address(address)


def _rset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _no_delay(smtp: smtplib.SMTP) -> None:
    """The final "." goes out as its own small write after the text: without TCP_NODELAY,
    Nagle's algorithm holds it back until the server's delayed ACK (about 40 ms per mail)."""
    sock = getattr(smtp, "sock", None)
    if sock is not None and not getattr(smtp, "_outbox_nodelay", False):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        smtp._outbox_nodelay = True


def _smtp_deliver(backend: SmtpBackend, row: OutboundMail) -> None:
    smtp = backend.connection
    _no_delay(smtp)
    from_email = settings.DEFAULT_FROM_EMAIL
    sender = _envelope_address(backend, _sender(from_email)[1])
    recipient = _envelope_address(backend, row.to)
    data = _LEADING_DOT.sub(b"..", _mime_bytes(row, from_email))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    smtp.ehlo_or_helo_if_needed()
    # The addresses are checked above; smtplib's mail()/rcpt() would parse each one again.
    code, reply = smtp.docmd("mail", f"FROM:<{sender}>")
    if code != 250:
        _rset(smtp)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.docmd("rcpt", f"TO:<{recipient}>")
    if code not in (250, 251):
        _rset(smtp)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _rset(smtp)
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(data)
    pipelined = _pipelined_commit()
    if not (_hand_over_open(row) if pipelined else _hand_over(row)):
        # Without the final "." the server discards what it got; QUIT would be read as text.
        smtp.close()
        backend.connection = None
        raise _ClaimLost
    send_error = None
    with _held_back(connection.connection.pgconn.socket) if pipelined else contextlib.nullcontext():
        if pipelined:
            _send_commit()
        try:
            smtp.sock.sendall(b".\r\n")  # right after COMMIT: nothing else may run in between
        except OSError as error:
            send_error = error
    if pipelined and (reason := _commit_answer()) is not None:
        # PostgreSQL went away in the instant between the two writes: the row stays "sending"
        # under this claim, and if the "." arrived the sweeper will send a second copy.
        logger.error("outbox: mail %s handed over but not marked sent: %s", row.pk, reason)
        raise DatabaseError(reason)
    if send_error is not None:
        raise _AfterHandOver(send_error) from send_error
    try:
        code, reply = smtp.getreply()
    except (OSError, smtplib.SMTPException) as error:
        raise _AfterHandOver(error) from error
    if code != 250:
        raise _AfterHandOver(smtplib.SMTPDataError(code, reply))


def _other_deliver(backend, row: OutboundMail) -> None:
    """Console, in-memory and other backends: mark, then hand over."""
    if not _hand_over(row):
        raise _ClaimLost
    try:
        backend.send_messages([_message(row)])
    except (OSError, smtplib.SMTPException) as error:
        raise _AfterHandOver(error) from error


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 400 <= code < 500


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
    deliver = _smtp_deliver if isinstance(connection, SmtpBackend) else _other_deliver
    try:
        for index, row in enumerate(rows):
            try:
                if isinstance(connection, SmtpBackend) and connection.connection is None:
                    connection.open()
                deliver(connection, row)
            except _ClaimLost:
                logger.info("outbox: mail %s was taken over by another worker", row.pk)
            except ValueError as error:  # an address that cannot be sent to
                _fail(row, str(error))
                counts["failed"] += 1
            except (
                smtplib.SMTPRecipientsRefused,
                smtplib.SMTPSenderRefused,
                smtplib.SMTPDataError,
            ) as error:
                # The server refused this one mail and stays ready for the next one.
                if _is_temporary(error):
                    _requeue([row], _smtp_reason(error))
                    counts["retry"] += 1
                else:
                    _fail(row, _smtp_reason(error))
                    counts["failed"] += 1
            except _AfterHandOver as wrapped:
                # Marked sent, but the server did not confirm: without its 250 the mail is not
                # delivered (RFC 5321), so it goes back to the queue or fails for good.
                error = wrapped.error
                if isinstance(error, smtplib.SMTPDataError) and not _is_temporary(error):
                    _fail(row, _smtp_reason(error))
                    counts["failed"] += 1
                    continue
                _requeue([row], _smtp_reason(error))
                if isinstance(error, smtplib.SMTPDataError):
                    counts["retry"] += 1
                    continue
                _requeue(rows[index + 1 :], str(error))
                counts["retry"] += len(rows) - index
                break
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke before the hand-over: this row and the rest go back.
                _requeue(rows[index:], str(error))
                counts["retry"] += len(rows) - index
                break
            else:
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
    code, message = getattr(error, "smtp_code", None), getattr(error, "smtp_error", None)
    if code is not None and message is not None:
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{code} {text}"[:1000]
    return str(error)[:1000]


def _ours(row: OutboundMail):
    """The row, as long as no other worker has claimed it since this one did."""
    return OutboundMail.objects.filter(
        pk=row.pk, sending_since=row.sending_since, attempts=row.attempts
    )


def _fail(row: OutboundMail, reason: str) -> None:
    _ours(row).update(status=MailStatus.FAILED, last_error=reason)
    logger.warning("outbox: mail %s to recipient failed: %s", row.pk, reason)


def _requeue(rows: list[OutboundMail], reason: str) -> None:
    now = timezone.now()
    for row in rows:
        if row.attempts >= MAX_ATTEMPTS:
            _fail(row, reason)
            continue
        backoff = timedelta(seconds=min(3600, 30 * 2 ** (row.attempts - 1)))
        _ours(row).update(
            status=MailStatus.QUEUED, next_attempt_at=now + backoff, last_error=reason[:1000]
        )


def outbound_sweep() -> int:
    """Send what the broker never delivered, what is due for a retry, and what a dead worker
    left in "sending". Returns how many rows were handed out again."""
    now = timezone.now()
    stale = OutboundMail.objects.filter(
        status=MailStatus.SENDING, sending_since__lt=now - _stale_sending()
    )
    stale_ids = list(stale.values_list("id", flat=True)[:5000])
    if stale_ids:
        stale.filter(id__in=stale_ids).update(status=MailStatus.QUEUED, next_attempt_at=None)
        logger.warning("outbox: %d mails left in sending by a worker go out again", len(stale_ids))
    due = list(
        OutboundMail.objects.filter(
            status=MailStatus.QUEUED, created_at__lt=now - timedelta(seconds=30)
        )
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
        .values_list("id", flat=True)[:5000]
    )
    # Rows taken back from a dead worker go out now, however young they are.
    ids = sorted(set(due) | set(stale_ids))
    outbound_dispatch(ids=ids)
    return len(ids)


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
