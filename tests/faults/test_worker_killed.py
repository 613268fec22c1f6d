"""SIGKILL of the Celery worker in the middle of a dial-in batch of 500 registrants.

The worker is killed three times, each time at a known step of the SMTP dialogue (the sink
holds its answer there until the worker is dead): before a batch sent anything, in the middle
of a mail before its text went out, and after a mail's final "." but before the worker read
the "250". After every restart the sweeper (what beat does every minute) hands out what the dead
worker left behind. In the end every registrant has exactly one mail, counted at the SMTP sink.

The kill points are chosen, not random: the outbox has a window of two adjacent writes that a
random kill could still hit (COMMIT of "sent" written, the final "." not yet; see
rotesnetz/outbox/services.py "Delivery"). bench/outbox_kills.py kills at random and counts.
"""

import time
from collections import Counter

import pytest

from konferenzen import tasks
from rotesnetz.outbox import tasks as outbox_tasks
from rotesnetz.outbox.models import MailStatus, OutboundMail
from tests.support.konferenzen_factories import dial_in_rows, make_due_conference
from tests.support.worker import wait_for

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

REGISTRANTS = 500
# (stage at which the sink holds its answer, after how many received mails), in order.
KILL_POINTS = [("ehlo", 100), ("rcpt", 230), ("data", 370)]


def _beat_until(predicate, timeout: float) -> bool:
    """Do what beat does every minute, every 1.5 s, until the predicate holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        outbox_tasks.sweep.delay()
        tasks.dispatch_due.delay()
        time.sleep(1.5)
    return predicate()


def test_worker_sigkilled_mid_dial_in_batch_every_registrant_gets_exactly_one_mail(
    worker_process, smtp_sink
):
    conference = make_due_conference(REGISTRANTS)
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)

    for stage, after in KILL_POINTS:
        hold = smtp_sink.hold(stage, after=after)
        assert _beat_until(hold.reached, 90), f"the worker never reached {stage} after {after}"
        received = len(smtp_sink.messages)
        if stage == "rcpt":
            # The text of this mail has not gone out: the row is still only claimed.
            held = OutboundMail.objects.get(to=hold.recipient, related=conference.related_key)
            assert held.status == MailStatus.SENDING
        elif stage == "data":
            # The server has the mail: COMMIT of the mark went out with the final "."
            # (microseconds apart, so PostgreSQL may still be applying it).
            held = OutboundMail.objects.filter(to=hold.recipient, related=conference.related_key)
            assert wait_for(lambda held=held: held.get().status == MailStatus.SENT, 5)

        worker_process.kill()
        hold.release()
        assert after <= received < REGISTRANTS
        assert dial_in_rows(conference, status=MailStatus.SENDING).exists(), (
            "the kill left nothing in flight: it did not hit the middle of a batch"
        )
        worker_process.start()

    assert _beat_until(
        lambda: dial_in_rows(conference, status=MailStatus.SENT).count() == REGISTRANTS, 120
    ), Counter(dial_in_rows(conference).values_list("status", flat=True))
    assert wait_for(lambda: len(smtp_sink.messages) >= REGISTRANTS, 20)
    # Nothing is queued or in flight any more; give a late second copy the chance to arrive.
    outbox_tasks.sweep.delay()
    time.sleep(3)

    assert dial_in_rows(conference).count() == REGISTRANTS
    assert not dial_in_rows(conference).exclude(status=MailStatus.SENT).exists()
    counts = smtp_sink.recipients()
    expected = {f"teilnehmer{number}@example.org" for number in range(REGISTRANTS)}
    assert set(counts) == expected
    twice = {rcpt: count for rcpt, count in counts.items() if count != 1}
    assert not twice, f"sent more than once: {twice}"
    assert len(smtp_sink.messages) == REGISTRANTS
