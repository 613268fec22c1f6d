"""Dial-in mails through a real Celery worker (a subprocess) on Redis into a real SMTP sink.

The promise under test: every registrant gets exactly one dial-in mail, whatever happens to the
worker, the task or the broker in between.
"""

import time
from datetime import UTC, timedelta

import pytest

from konferenzen import services, tasks
from rotesnetz.outbox import tasks as outbox_tasks
from rotesnetz.outbox.models import MailStatus
from tests.support.factories import make_member, make_staff
from tests.support.konferenzen_factories import dial_in_rows, make_due_conference
from tests.support.worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _calendar(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    raise AssertionError("no calendar attached")


def test_dial_in_mail_reaches_500_registrants_exactly_once(worker_process, smtp_sink):
    conference = make_due_conference(500)

    tasks.dispatch_due.delay()  # what beat does every minute

    assert wait_for(lambda: dial_in_rows(conference, status=MailStatus.SENT).count() == 500, 90)
    assert wait_for(lambda: len(smtp_sink.messages) >= 500, 10)
    counts = smtp_sink.recipients()
    assert len(counts) == 500
    assert set(counts.values()) == {1}
    assert all(len(rcpts) == 1 for rcpts, _message in smtp_sink.messages)


def test_worker_killed_mid_batch_still_ends_with_exactly_one_mail_each(worker_process, smtp_sink):
    conference = make_due_conference(500)
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    # The kill lands while a mail is between its recipient and its text (a batch in flight).
    # Not at a random moment: between the commit of "sent" and the final "." lies a window of
    # about 0.1-1 ms in which a SIGKILL loses that one mail (rotesnetz/outbox, documented).
    hold = smtp_sink.hold("rcpt", after=150)
    assert wait_for(hold.reached, 60)

    worker_process.kill()  # SIGKILL in the middle of a batch
    hold.release()
    sent_before_restart = len(smtp_sink.messages)
    worker_process.start()
    # What beat does every minute: hand out what a dead worker left behind, and what is due.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if dial_in_rows(conference, status=MailStatus.SENT).count() == 500:
            break
        outbox_tasks.sweep.delay()
        tasks.dispatch_due.delay()
        time.sleep(1.5)
    time.sleep(2)  # anything sent twice would arrive now

    assert sent_before_restart < 500
    assert dial_in_rows(conference).count() == 500
    assert dial_in_rows(conference, status=MailStatus.SENT).count() == 500
    counts = smtp_sink.recipients()
    assert len(counts) == 500
    assert set(counts.values()) == {1}


def test_dispatch_task_run_twice_sends_nothing_more(worker_process, smtp_sink):
    conference = make_due_conference(50)
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    assert wait_for(lambda: dial_in_rows(conference, status=MailStatus.SENT).count() == 50, 60)

    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    tasks.dispatch_due.delay()
    outbox_tasks.sweep.delay()
    time.sleep(3)

    assert dial_in_rows(conference).count() == 50
    assert len(smtp_sink.messages) == 50
    assert set(smtp_sink.recipients().values()) == {1}


def test_late_registrant_gets_the_dial_in_mail_at_once(worker_process, smtp_sink):
    conference = make_due_conference(5, audience="public")
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    assert wait_for(lambda: dial_in_rows(conference, status=MailStatus.SENT).count() == 5, 60)
    late = make_member(conference.gliederung, email="spaet@example.org")

    services.registration_register_member(conference_id=conference.pk, user=late)

    assert wait_for(lambda: smtp_sink.to("spaet@example.org"), 20)
    [mail] = smtp_sink.to("spaet@example.org")
    assert mail["Subject"].startswith("Einwahldaten")
    assert "https://zoom.us/j/98765432101" in smtp_sink.body(mail)
    assert "CONFERENCE;VALUE=URI" in _calendar(mail)


def test_time_change_sends_one_change_mail_each_with_a_higher_sequence(worker_process, smtp_sink):
    conference = make_due_conference(20)
    staff = make_staff(landesverband=conference.gliederung)
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    assert wait_for(lambda: len(smtp_sink.messages) == 20, 60)
    first = smtp_sink.to("teilnehmer0@example.org")[0]
    new_start = conference.starts_at + timedelta(days=1, hours=1)

    services.conference_update(
        conference_id=conference.pk,
        by=staff,
        fields={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)},
        dial_in={},
    )

    assert wait_for(lambda: len(smtp_sink.messages) == 40, 60)
    time.sleep(1)
    assert len(smtp_sink.messages) == 40
    assert set(smtp_sink.recipients().values()) == {2}
    change = smtp_sink.to("teilnehmer0@example.org")[1]
    assert change["Subject"].startswith("Geändert")
    assert "SEQUENCE:0" in _calendar(first)
    assert "SEQUENCE:1" in _calendar(change)
    assert new_start.astimezone(UTC).strftime("DTSTART:%Y%m%dT%H%M%SZ") in _calendar(change)


def test_refused_recipient_is_marked_failed_with_the_reason_and_others_get_theirs(
    worker_process, smtp_sink
):
    conference = make_due_conference(10)
    smtp_sink.refuse.add("teilnehmer3@example.org")

    tasks.dispatch_dial_in.delay(conference_id=conference.pk)

    assert wait_for(lambda: dial_in_rows(conference, status=MailStatus.SENT).count() == 9, 60)
    failed = dial_in_rows(conference).get(to="teilnehmer3@example.org")
    assert wait_for(lambda: dial_in_rows(conference, status=MailStatus.FAILED).count() == 1, 10)
    failed.refresh_from_db()
    assert failed.status == MailStatus.FAILED
    assert failed.last_error.startswith("550")
    # A row says "sent" just before the server takes the mail: give the last one a moment.
    assert wait_for(lambda: len(smtp_sink.messages) == 9, 10)
