"""Dial-in, reminder and briefing mails through the outbox (eager, in-memory mail)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from konferenzen import mails, services, tasks
from konferenzen.enums import Format, MailPurpose, RegistrationStatus
from konferenzen.models import Conference
from rotesnetz.outbox.models import MailStatus, OutboundMail
from rotesnetz.outbox.services import mail_enqueue_many
from tests.support.factories import make_user
from tests.support.konferenzen_factories import (
    SECRET_DIAL_IN,
    make_conference,
    make_guest_registrants,
    make_question,
    make_registration,
)

pytestmark = pytest.mark.django_db


def test_dial_in_dispatch_sends_one_mail_each_with_all_join_data(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 4)
    make_registration(
        conference, email="storniert@example.org", status=RegistrationStatus.CANCELLED
    )
    make_registration(conference, email="wartet@example.org", status=RegistrationStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        created = services.dial_in_dispatch(conference_id=conference.pk)

    assert created == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"teilnehmer{n}@example.org" for n in range(4)]
    message = mail.outbox[0]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    for value in (
        SECRET_DIAL_IN["join_url"],
        "987 6543 2101",
        "Sesam-4711",
        "+49 69 3807 9883",
        "98765432101#",
    ):
        assert value in message.body
    calendar = message.attachments[0][1].replace("\r\n ", "")  # unfold (RFC 5545 3.1)
    assert (
        "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=Einwahl-Link:https://zoom.us/j/98765432101"
        in calendar
    )
    assert "CONFERENCE;VALUE=URI;FEATURE=PHONE" in calendar
    assert "tel:+496938079883" in calendar
    conference.refresh_from_db()
    assert conference.dial_in_released_at is not None
    assert conference.dial_in_enqueued_at is not None


def test_dial_in_dispatch_twice_sends_nothing_more(tree, django_capture_on_commit_callbacks):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.dial_in_dispatch(conference_id=conference.pk)
        tasks.dispatch_dial_in.delay(conference_id=conference.pk)

    assert again == 0
    assert len(mail.outbox) == 3
    assert OutboundMail.objects.filter(purpose=MailPurpose.DIAL_IN).count() == 3


def test_zukunftskonferenz_gets_an_information_mail_with_the_venue(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(
        gliederung=tree["lv"], format=Format.ZUKUNFT, venue="Pfalzbau, Ludwigshafen"
    )
    make_guest_registrants(conference, 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)

    [message] = mail.outbox
    assert message.subject.startswith("Alle Informationen:")
    assert "Pfalzbau, Ludwigshafen" in message.body
    assert "CONFERENCE" not in message.attachments[0][1]


def test_due_work_hands_out_what_is_due_and_nothing_else(tree):
    now = timezone.now()
    due = make_conference(gliederung=tree["lv"])
    Conference.objects.filter(pk=due.pk).update(dial_in_send_at=now - timedelta(minutes=1))
    make_conference(gliederung=tree["lv"])  # the Monday before is still ahead
    cancelled = make_conference(gliederung=tree["lv"], status="cancelled")
    Conference.objects.filter(pk=cancelled.pk).update(dial_in_send_at=now - timedelta(days=1))
    soon = make_conference(gliederung=tree["lv"], starts_in=timedelta(minutes=50))

    work = services.due_work(now=now)

    assert sorted(work["dial_in"]) == sorted([due.pk, soon.pk])
    assert work["reminders"] == [soon.pk]
    assert work["changes"] == []


def test_periodic_task_sends_due_dial_in_and_reminder_once(
    tree, django_capture_on_commit_callbacks
):
    soon = make_conference(gliederung=tree["lv"], starts_in=timedelta(minutes=30))
    make_guest_registrants(soon, 2)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due.delay()

    purposes = Counter(row.purpose for row in OutboundMail.objects.all())
    assert purposes == {MailPurpose.DIAL_IN: 2, MailPurpose.REMINDER: 2}
    reminder = next(m for m in mail.outbox if m.subject.startswith("Gleich geht's los"))
    assert SECRET_DIAL_IN["join_url"] in reminder.body


def test_briefing_goes_to_the_moderators_the_day_before_with_a_csv(
    tree, django_capture_on_commit_callbacks
):
    now = timezone.localtime()
    start = (now + timedelta(days=1)).replace(hour=23, minute=0, second=0, microsecond=0)
    conference = make_conference(gliederung=tree["lv"], starts_at=start)
    moderator = make_user(email="moderation@example.org")
    conference.moderators.add(moderator)
    make_question(make_registration(conference), text="=SUMME(A1)")
    make_question(make_registration(conference), text="Versteckt", hidden=True)

    work = services.due_work(now=(start - timedelta(days=1)).replace(hour=9, minute=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_send(conference_id=conference.pk)

    assert work["briefings"] == [conference.pk]
    [message] = mail.outbox
    assert message.to == ["moderation@example.org"]
    filename, content, mimetype = message.attachments[0]
    assert filename == "fragen.csv"
    assert "'=SUMME(A1)" in content
    assert "Versteckt" not in content


def test_refused_recipient_is_marked_failed_and_the_others_get_theirs(
    tree, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_sink.mailers_setting()
    smtp_sink.refuse.add("teilnehmer1@example.org")
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 3)

    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)

    rows = {row.to: row for row in OutboundMail.objects.all()}
    assert rows["teilnehmer1@example.org"].status == MailStatus.FAILED
    assert rows["teilnehmer1@example.org"].last_error == "550 5.1.1 mailbox unavailable"
    assert rows["teilnehmer0@example.org"].status == MailStatus.SENT
    assert rows["teilnehmer2@example.org"].status == MailStatus.SENT
    assert sorted(r[0] for r, _m in smtp_sink.messages) == [
        "teilnehmer0@example.org",
        "teilnehmer2@example.org",
    ]


def test_staff_resend_failed_mails_of_their_conference(
    tree, staff, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_sink.mailers_setting()
    smtp_sink.refuse.add("teilnehmer0@example.org")
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)
    smtp_sink.refuse.clear()

    with django_capture_on_commit_callbacks(execute=True):
        count = services.mails_resend_failed(conference_id=conference.pk, by=staff)

    assert count == 1
    assert OutboundMail.objects.get().status == MailStatus.SENT
    assert len(smtp_sink.messages) == 1


def test_change_whose_task_never_reached_the_broker_goes_out_from_the_periodic_run(
    tree, staff, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 2)
    new_start = conference.starts_at + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=False):  # as if the broker were down
        services.conference_update(
            conference_id=conference.pk,
            by=staff,
            fields={"starts_at": new_start, "ends_at": new_start + timedelta(hours=1)},
            dial_in={},
        )
    assert mail.outbox == []

    assert services.due_work()["changes"] == [conference.pk]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due.delay()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "teilnehmer0@example.org",
        "teilnehmer1@example.org",
    ]
    assert services.due_work()["changes"] == []


def test_dispatch_that_died_halfway_is_completed_without_repeating_anyone(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    registrations = make_guest_registrants(conference, 4)
    batch = mails.dial_in_batch(conference, conference.dial_in)
    with django_capture_on_commit_callbacks(execute=True):
        # The worker released the mails and queued two before it died.
        Conference.objects.filter(pk=conference.pk).update(
            dial_in_released_at=timezone.now(), dial_in_send_at=timezone.now()
        )
        mail_enqueue_many([batch.spec(registration) for registration in registrations[:2]])

    assert services.due_work()["dial_in"] == [conference.pk]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due.delay()

    assert Counter(m.to[0] for m in mail.outbox) == {
        f"teilnehmer{n}@example.org": 1 for n in range(4)
    }
    assert services.due_work()["dial_in"] == []
