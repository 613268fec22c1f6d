"""The mail outbox against a real SMTP sink: one mail per key, failures recorded, retries."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from rotesnetz.outbox import services
from rotesnetz.outbox.models import MailStatus, OutboundMail

pytestmark = pytest.mark.django_db


def _spec(number: int, **overrides) -> services.MailSpec:
    return services.MailSpec(
        **{
            "key": f"test:{number}",
            "to": f"person{number}@example.org",
            "template": "membership_decision",
            "context": {"accepted": True, "user": None, "gliederung": {"name": "OV Test"}},
            "purpose": "test",
            **overrides,
        }
    )


@pytest.fixture
def sink(smtp_sink, settings):
    settings.MAILERS = smtp_sink.mailers_setting()
    return smtp_sink


def test_enqueue_twice_with_the_same_key_keeps_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = services.mail_enqueue(_spec(1))
        second = services.mail_enqueue(_spec(1))

    assert first is not None
    assert second is None
    assert OutboundMail.objects.count() == 1


def test_enqueued_mail_is_rendered_in_german_without_header_injection(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        services.mail_enqueue(
            _spec(2, context={"accepted": True, "gliederung": {"name": "OV\r\nBcc: x@evil"}})
        )

    row = OutboundMail.objects.get()
    assert row.subject.startswith("Willkommen in OV")
    assert "\n" not in row.subject and "\r" not in row.subject


def test_send_batch_sends_each_mail_once(sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(n) for n in range(10, 15)])

    first = services.outbound_send_batch(ids=ids)
    second = services.outbound_send_batch(ids=ids)

    assert first == {"sent": 5, "failed": 0, "retry": 0}
    assert second == {"sent": 0, "failed": 0, "retry": 0}
    assert sorted(rcpts[0] for rcpts, _ in sink.messages) == [
        f"person{n}@example.org" for n in range(10, 15)
    ]
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


def test_a_refused_recipient_is_marked_failed_and_the_others_go_out(
    sink, django_capture_on_commit_callbacks
):
    sink.refuse.add("person21@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(n) for n in (20, 21, 22)])

    counts = services.outbound_send_batch(ids=ids)

    assert counts == {"sent": 2, "failed": 1, "retry": 0}
    failed = OutboundMail.objects.get(to="person21@example.org")
    assert failed.status == MailStatus.FAILED
    assert "550" in failed.last_error
    assert len(sink.messages) == 2


def test_an_unreachable_smtp_server_requeues_with_backoff(
    settings, django_capture_on_commit_callbacks
):
    from tests.support.smtp import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(30)])

    counts = services.outbound_send_batch(ids=ids)

    row = OutboundMail.objects.get()
    assert counts["retry"] == 1
    assert row.status == MailStatus.QUEUED
    assert row.next_attempt_at > timezone.now()


def test_sweeper_sends_what_the_broker_never_delivered(sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # as if the broker had been down
        services.mail_enqueue_many([_spec(40), _spec(41)])
    OutboundMail.objects.update(created_at=timezone.now() - timedelta(minutes=2))

    handed_out = services.outbound_sweep()

    assert handed_out == 2
    assert len(sink.messages) == 2
    assert services.outbound_sweep() == 0


def test_sweeper_recovers_rows_a_dead_worker_left_in_sending(sink):
    with transaction.atomic():
        services.mail_enqueue(_spec(50))
    OutboundMail.objects.update(
        status=MailStatus.SENDING,
        sending_since=timezone.now() - timedelta(hours=1),
        created_at=timezone.now() - timedelta(hours=1),
    )
    sink.messages.clear()

    services.outbound_sweep()

    assert OutboundMail.objects.get().status == MailStatus.SENT
    assert len(sink.messages) == 1


def test_retry_of_failed_mails(sink, django_capture_on_commit_callbacks):
    sink.refuse.add("person60@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.mail_enqueue_many([_spec(60)])
    services.outbound_send_batch(ids=ids)
    sink.refuse.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbound_retry(ids=ids) == 1

    assert OutboundMail.objects.get().status == MailStatus.SENT


def test_purge_removes_old_sent_mails_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.mail_enqueue_many([_spec(70), _spec(71)])
    OutboundMail.objects.filter(key="test:70").update(
        status=MailStatus.SENT, created_at=timezone.now() - timedelta(days=40)
    )

    assert services.outbound_purge(older_than_days=30) == 1
    assert list(OutboundMail.objects.values_list("key", flat=True)) == ["test:71"]
