"""One retention run applies every period of every part; a second run removes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings

from quartier.models import AdviceBooking, ContactRequest, EventRegistration
from rotesnetz.members import services as member_services
from rotesnetz.members.models import Membership, MembershipRequest, User
from rotesnetz.outbox.models import MailStatus, OutboundMail
from rotesnetz.privacy import services, tasks
from rotesnetz.privacy.models import AuditEntry, ConsentRecord, DataExport, FormerMember
from rotesnetz.rooms.models import ReadState
from tests.support.factories import make_user
from tests.support.privacy_factories import make_person, make_world

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"


def _arrange(capture):
    with time_machine.travel(T0, tick=False), capture(execute=True):
        world = make_world()
        person = make_person(world, tag="RENA", name="Rena Retention", phone="0621 333333")
        unconfirmed = make_user(verified=False)
        confirmed = make_user()
        leaver = make_person(world, tag="LENA", name="Lena Leaver", phone="0621 444444")
        for membership in Membership.objects.filter(user=leaver.user):
            member_services.membership_end(membership=membership, by=leaver.user)
        MembershipRequest.objects.filter(user=leaver.user).update(status="declined")
        OutboundMail.objects.update(status=MailStatus.SENT)
        export = services.export_request(user=person.user)
        services.export_build(export_id=export.pk)
    return {
        "world": world,
        "person": person,
        "unconfirmed": unconfirmed,
        "confirmed": confirmed,
        "leaver": leaver,
    }


def test_retention_removes_everything_past_its_period_once(
    settings, django_capture_on_commit_callbacks
):
    data = _arrange(django_capture_on_commit_callbacks)
    later = T0 + timedelta(days=settings.PRIVACY_AUDIT_RETENTION_DAYS + 1)

    with time_machine.travel(later, tick=False):
        first = services.retention_run()
        second = services.retention_run()

    assert first["accounts.unconfirmed_accounts"] == 1
    assert first["privacy.export_archives"] == 1
    assert first["privacy.audit_entries"] >= 2
    assert first["outbox.sent_mails"] >= 5
    assert first["quartier.bookings"] == 2
    assert first["quartier.registrations"] == 2
    assert first["quartier.contact_requests"] == 2
    assert first["quartier.contact_consents"] == 2
    assert first["members.former_members"] == 1
    assert first["members.former_member_requests"] == 1
    assert first["rooms.former_member_rows"] >= 1
    assert first["konferenzen.registrations"] >= 2
    assert first["konferenzen.dial_in_data"] == 1
    assert set(second.values()) == {0}
    assert set(second) == set(first)
    assert not User.objects.filter(pk=data["unconfirmed"].pk).exists()
    assert User.objects.filter(pk=data["confirmed"].pk).exists()
    assert User.objects.filter(pk=data["leaver"].user.pk).exists()
    assert not ReadState.objects.filter(user=data["leaver"].user).exists()
    assert FormerMember.objects.get(user=data["leaver"].user).reduced_at == later
    assert not AdviceBooking.objects.exists()
    assert not EventRegistration.objects.exists()
    assert not ContactRequest.objects.exists()
    assert not ConsentRecord.objects.filter(reference__startswith="quartier.").exists()
    assert not DataExport.objects.exists()
    assert list(settings.PRIVACY_EXPORT_ROOT.iterdir()) == []
    assert not OutboundMail.objects.filter(status=MailStatus.SENT).exists()
    assert AuditEntry.objects.filter(action="privacy.retention").count() == 1


def test_retention_keeps_what_is_within_its_period(settings, django_capture_on_commit_callbacks):
    data = _arrange(django_capture_on_commit_callbacks)

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        report = services.retention_run()

    assert set(report.values()) == {0}
    assert User.objects.filter(pk=data["unconfirmed"].pk).exists()
    assert DataExport.objects.count() == 1
    assert ContactRequest.objects.count() == 2


def test_retention_deletes_each_kind_at_its_own_period(
    settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_UNCONFIRMED_ACCOUNT_DAYS = 3
    data = _arrange(django_capture_on_commit_callbacks)
    expiry = T0 + timedelta(hours=settings.PRIVACY_EXPORT_HOURS + 1)

    with time_machine.travel(expiry, tick=False):
        after_two_days = services.retention_run()
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        after_four_days = services.retention_run()

    assert after_two_days["privacy.export_archives"] == 1
    assert after_two_days["accounts.unconfirmed_accounts"] == 0
    assert after_four_days["accounts.unconfirmed_accounts"] == 1
    assert after_four_days["quartier.contact_requests"] == 0
    assert not User.objects.filter(pk=data["unconfirmed"].pk).exists()


def test_retention_is_one_periodic_task():
    tasks_in_beat = [entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()]

    assert "privacy.retention" in tasks_in_beat
    assert "quartier.retention_purge" not in tasks_in_beat
    assert "outbox.purge" not in tasks_in_beat
    assert tasks.retention.name == "privacy.retention"


def test_retention_task_reports_what_it_removed():
    with time_machine.travel(T0, tick=False):
        make_user(verified=False)

    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        report = tasks.retention.delay().get()

    assert report["accounts.unconfirmed_accounts"] == 1


def test_retention_purges_presence_rows_of_sockets_gone_silent():
    """A presence row is an open socket's bookkeeping: stored, so in the export, while the
    socket answers; a row left behind by a socket that never said goodbye goes with the next
    run (and so leaves the export), a fresh one stays."""
    from rotesnetz.privacy.services import export_data
    from rotesnetz.rooms.models import Presence

    with time_machine.travel(T0, tick=False):
        world = make_world()
        person = make_person(world, tag="PIA", name="Pia Presence", phone="0621 555555")
        Presence.objects.create(
            room=world.room, user=person.user, channel_name="gone", last_seen=T0
        )
    now = T0 + timedelta(minutes=10)
    Presence.objects.create(
        room=world.room,
        user=person.user,
        channel_name="open",
        last_seen=now - timedelta(seconds=30),
    )
    with time_machine.travel(now, tick=False):
        before = export_data(user=person.user)["rooms"]["online_now"]
        first = services.retention_run()
        second = services.retention_run()
        after = export_data(user=person.user)["rooms"]["online_now"]

    assert sorted(row["last_seen"] for row in before) == [T0, now - timedelta(seconds=30)]
    assert first["rooms.stale_presence"] == 1
    assert second["rooms.stale_presence"] == 0
    assert list(Presence.objects.values_list("channel_name", flat=True)) == ["open"]
    assert [row["last_seen"] for row in after] == [now - timedelta(seconds=30)]
