"""The outbox hands a mail to the SMTP server only while it holds the row's claim.

The mail counts as sent from the moment the row says so, which is written after the text and
before the final "." (without it the server discards the text). These tests drive a real SMTP
server (aiosmtpd) that answers the way real ones do: temporary and permanent refusals, a
refusal after the text, and a second worker taking a row over while the first is mid-mail.
"""

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from rotesnetz.outbox import services
from rotesnetz.outbox.models import MailStatus, OutboundMail
from tests.support.smtp import KeepingController, SmtpSink, _Handler


class _Server(_Handler):
    """The test sink, plus answers chosen per recipient and a hook while a mail is open."""

    def __init__(self, sink):
        super().__init__(sink)
        self.temporary: set[str] = set()
        self.reject_text: set[str] = set()
        self.on_rcpt = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.temporary:
            return "451 4.7.1 greylisted, try again later"
        if self.on_rcpt is not None:
            import asyncio

            await asyncio.get_running_loop().run_in_executor(None, self.on_rcpt, address)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.reject_text:
            return "554 5.7.1 message content rejected"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def server(settings):
    sink = SmtpSink()
    handler = _Server(sink)
    sink.controller = KeepingController(handler, hostname="127.0.0.1", port=sink.port)
    sink.start()
    settings.MAILERS = sink.mailers_setting()
    yield sink, handler
    sink.stop()


def _spec(number: int, **overrides) -> services.MailSpec:
    return services.MailSpec(
        **{
            "key": f"handover:{number}",
            "to": f"person{number}@example.org",
            "template": "membership_decision",
            "context": {"accepted": True, "user": None, "gliederung": {"name": "OV Süd"}},
            "purpose": "test",
            **overrides,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_row_taken_over_mid_mail_is_not_handed_over_and_the_rest_goes_on(server):
    sink, handler = server
    ids = [
        OutboundMail.objects.create(
            key=f"handover:{n}", purpose="test", to=f"person{n}@example.org", subject="S", body="B"
        ).pk
        for n in (1, 2)
    ]

    def another_worker_claims(address):
        # While this worker is mid-mail, the sweeper took the row back and a worker claimed it.
        try:
            if address == "person1@example.org":
                OutboundMail.objects.filter(to=address).update(
                    status=MailStatus.SENDING,
                    sending_since=timezone.now() + timedelta(seconds=1),
                    attempts=7,
                )
        finally:
            connections.close_all()

    handler.on_rcpt = another_worker_claims

    counts = services.outbound_send_batch(ids=ids)

    assert counts == {"sent": 1, "failed": 0, "retry": 0}
    assert [rcpts for rcpts, _message in sink.messages] == [["person2@example.org"]]
    taken = OutboundMail.objects.get(to="person1@example.org")
    assert (taken.status, taken.attempts) == (MailStatus.SENDING, 7)


@pytest.mark.django_db
def test_temporary_refusal_goes_back_to_the_queue_with_backoff(
    server, django_capture_on_commit_callbacks
):
    sink, handler = server
    handler.temporary.add("person3@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(3), _spec(4)])

    counts = services.outbound_send_batch(ids=ids)

    assert counts == {"sent": 1, "failed": 0, "retry": 1}
    row = OutboundMail.objects.get(to="person3@example.org")
    assert row.status == MailStatus.QUEUED
    assert row.last_error.startswith("451")
    assert row.next_attempt_at > timezone.now()


@pytest.mark.django_db
def test_refusal_after_the_text_marks_the_mail_failed_with_the_reason(
    server, django_capture_on_commit_callbacks
):
    sink, handler = server
    handler.reject_text.add("person5@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(5), _spec(6)])

    counts = services.outbound_send_batch(ids=ids)

    assert counts == {"sent": 1, "failed": 1, "retry": 0}
    row = OutboundMail.objects.get(to="person5@example.org")
    assert row.status == MailStatus.FAILED
    assert row.last_error == "554 5.7.1 message content rejected"


@pytest.mark.django_db
def test_message_on_the_wire_is_one_mail_to_one_person_with_its_attachment(
    server, django_capture_on_commit_callbacks
):
    sink, _handler = server
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Grüße\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many(
            [_spec(7, attachments=[services.Attachment(filename="k.ics", content=calendar)])]
        )

    services.outbound_send_batch(ids=ids)

    [(rcpts, message)] = sink.messages
    assert rcpts == ["person7@example.org"]
    assert message["To"] == "person7@example.org"
    assert message["Cc"] is None
    assert message["Subject"] == "Willkommen in OV Süd"
    assert message["Message-ID"].startswith(f"<outbox.{ids[0]}.")
    assert "OV Süd" in message.get_body(preferencelist=("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "k.ics"
    assert attachment.get_content() == calendar


@pytest.mark.django_db
def test_lines_starting_with_a_dot_survive_the_trip(server, django_capture_on_commit_callbacks):
    sink, _handler = server
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(8)])
    OutboundMail.objects.filter(id__in=ids).update(body=".\n..zwei Punkte\nEnde")

    services.outbound_send_batch(ids=ids)

    [(_rcpts, message)] = sink.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.replace("\r\n", "\n").startswith(".\n..zwei Punkte\nEnde")  # CRLF on the wire


@pytest.mark.django_db
def test_sweeper_sends_rows_a_dead_worker_left_behind_however_young(
    server, settings, django_capture_on_commit_callbacks
):
    sink, _handler = server
    settings.OUTBOX_STALE_SENDING_SECONDS = 2
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(9)])
    OutboundMail.objects.filter(id__in=ids).update(
        status=MailStatus.SENDING, sending_since=timezone.now() - timedelta(seconds=5), attempts=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        handed_out = services.outbound_sweep()

    assert handed_out == 1
    assert OutboundMail.objects.get().status == MailStatus.SENT
    assert len(sink.messages) == 1
