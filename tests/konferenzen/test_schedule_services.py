"""Staff schedule and change conferences through the services; bad input stores nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from konferenzen import services
from konferenzen.enums import Audience, DialInTiming, Format, MailPurpose, Provider
from konferenzen.models import Conference, DialIn
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_member, make_staff, make_user
from tests.support.konferenzen_factories import (
    SECRET_DIAL_IN,
    make_conference,
    make_guest_registrants,
)

pytestmark = pytest.mark.django_db


def _fields(tree, **overrides) -> dict:
    start = (timezone.now() + timedelta(days=14)).replace(hour=18, minute=0, second=0)
    return {
        "title": "Dialogtour: Mobilität",
        "topic": "Mobilität",
        "format": Format.WEB,
        "gliederung": tree["lv"],
        "starts_at": start,
        "ends_at": start + timedelta(hours=1, minutes=30),
        "audience": Audience.LANDESVERBAND,
        "dial_in_timing": DialInTiming.MONDAY_BEFORE,
        "dial_in_days_before": 3,
        "send_reminder": True,
        **overrides,
    }


def _schedule(staff, tree, dial_in=None, audience_gliederungen=(), **overrides):
    return services.conference_create(
        by=staff,
        fields=_fields(tree, **overrides),
        dial_in=dict(SECRET_DIAL_IN) if dial_in is None else dial_in,
        audience_gliederungen=audience_gliederungen,
    )


def _messages(error: ValidationError) -> dict:
    return {field: [str(m) for m in errors] for field, errors in error.message_dict.items()}


def test_conference_create_by_staff_stores_conference_and_dial_in(staff, tree):
    conference = _schedule(staff, tree)

    assert conference.slug.startswith("dialogtour-mobilitat-")
    assert conference.dial_in.join_url == SECRET_DIAL_IN["join_url"]
    assert conference.dial_in_send_at < conference.starts_at
    assert timezone.localtime(conference.dial_in_send_at).weekday() == 0


def test_conference_create_with_http_join_url_is_refused_and_stores_nothing(staff, tree):
    with pytest.raises(ValidationError) as error:
        _schedule(staff, tree, dial_in={**SECRET_DIAL_IN, "join_url": "http://zoom.us/j/1"})

    assert _messages(error.value) == {
        "join_url": [
            "Der Einwahl-Link muss mit https:// beginnen – andere Links werden nicht angenommen."
        ]
    }
    assert Conference.objects.count() == 0
    assert DialIn.objects.count() == 0


def test_conference_create_with_end_before_start_is_refused(staff, tree):
    start = timezone.now() + timedelta(days=5)

    with pytest.raises(ValidationError) as error:
        _schedule(staff, tree, starts_at=start, ends_at=start - timedelta(minutes=1))

    assert _messages(error.value)["ends_at"] == ["Das Ende muss nach dem Beginn liegen."]
    assert Conference.objects.count() == 0


def test_conference_create_collects_every_problem_at_once(staff, tree):
    with pytest.raises(ValidationError) as error:
        _schedule(
            staff,
            tree,
            format=Format.HYBRID,
            venue="",
            audience=Audience.GLIEDERUNGEN,
            capacity=0,
            dial_in={"provider": "", "phone_numbers": "030 123456", "access_code": "12ab"},
        )

    assert set(_messages(error.value)) == {
        "venue",
        "provider",
        "phone_numbers",
        "access_code",
        "capacity",
        "audience_gliederungen",
    }
    assert Conference.objects.count() == 0


def test_conference_create_refuses_a_dial_in_time_after_the_start(staff, tree):
    start = timezone.now() + timedelta(days=4)

    with pytest.raises(ValidationError) as error:
        _schedule(
            staff,
            tree,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            dial_in_timing=DialInTiming.CUSTOM,
            dial_in_custom_at=start + timedelta(minutes=5),
        )

    assert "vor Beginn der Konferenz" in _messages(error.value)["dial_in_timing"][0]


def test_conference_create_in_the_past_is_refused(staff, tree):
    start = timezone.now() - timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        _schedule(staff, tree, starts_at=start, ends_at=start + timedelta(hours=1))

    assert _messages(error.value)["starts_at"] == ["Der Beginn liegt in der Vergangenheit."]


def test_conference_create_by_staff_of_another_landesverband_is_refused(tree):
    elsewhere = make_staff(landesverband=tree["other_lv"])

    with pytest.raises(ValidationError):
        _schedule(elsewhere, tree)
    with pytest.raises(PermissionDenied):
        _schedule(make_member(tree["ov"]), tree)
    assert Conference.objects.count() == 0


def test_jitsi_conference_gets_an_unguessable_room_on_the_configured_domain(staff, tree, settings):
    settings.JITSI_DOMAIN = "jitsi.rotesnetz.example"

    first = _schedule(staff, tree, dial_in={"provider": Provider.JITSI})
    second = _schedule(staff, tree, dial_in={"provider": Provider.JITSI})

    prefix = "https://jitsi.rotesnetz.example/dialogtour-mobilitat-"
    assert first.dial_in.join_url.startswith(prefix)
    assert first.dial_in.join_url != second.dial_in.join_url
    assert len(first.dial_in.join_url) - len(prefix) >= 32


def test_zukunftskonferenz_keeps_no_dial_in_data(staff, tree):
    conference = _schedule(staff, tree, format=Format.ZUKUNFT, venue="Pfalzbau, Ludwigshafen")

    assert conference.dial_in.is_empty
    assert conference.dial_in.provider == ""


def test_time_change_raises_the_sequence_and_mails_each_registrant_once(
    staff, tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 3)
    new_start = conference.starts_at + timedelta(hours=2)

    with django_capture_on_commit_callbacks(execute=True):
        services.conference_update(
            conference_id=conference.pk,
            by=staff,
            fields={"starts_at": new_start, "ends_at": new_start + timedelta(hours=1)},
            dial_in={},
        )

    conference.refresh_from_db()
    assert conference.sequence == 1
    assert conference.notified_sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == [f"teilnehmer{n}@example.org" for n in range(3)]
    assert all(m.subject.startswith("Geändert:") for m in mail.outbox)
    assert "SEQUENCE:1" in mail.outbox[0].attachments[0][1]
    # Before the dial-in mail went out, a change mail carries no join data.
    assert SECRET_DIAL_IN["join_url"] not in mail.outbox[0].body


def test_dial_in_change_before_the_release_sends_nothing(
    staff, tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 2)

    with django_capture_on_commit_callbacks(execute=True):
        services.conference_update(
            conference_id=conference.pk,
            by=staff,
            fields={},
            dial_in={"password": "NeuesKennwort"},
        )

    conference.refresh_from_db()
    assert conference.sequence == 0
    assert mail.outbox == []
    assert conference.dial_in.password == "NeuesKennwort"


def test_dial_in_change_after_the_release_sends_the_new_data(
    staff, tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.conference_update(
            conference_id=conference.pk,
            by=staff,
            fields={},
            dial_in={"password": "NeuesKennwort"},
        )

    assert len(mail.outbox) == 2
    assert "NeuesKennwort" in mail.outbox[0].body
    assert "CONFERENCE;VALUE=URI" in mail.outbox[0].attachments[0][1]


def test_update_by_someone_else_is_refused(tree):
    conference = make_conference(gliederung=tree["lv"])

    with pytest.raises(PermissionDenied):
        services.conference_update(
            conference_id=conference.pk, by=make_user(), fields={"title": "X"}, dial_in={}
        )


def test_cancel_sends_one_cancellation_per_registrant_with_method_cancel(
    staff, tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 2)

    with django_capture_on_commit_callbacks(execute=True):
        services.conference_cancel(conference_id=conference.pk, by=staff, reason="Krankheit")
    with django_capture_on_commit_callbacks(execute=True):
        services.changes_notify(conference_id=conference.pk)  # a second run sends nothing

    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject.startswith("Abgesagt:")
    assert "Krankheit" in mail.outbox[0].body
    calendar = mail.outbox[0].attachments[0][1]
    assert "METHOD:CANCEL" in calendar
    assert "STATUS:CANCELLED" in calendar
    assert OutboundMail.objects.filter(purpose=MailPurpose.CANCELLED).count() == 2
    with pytest.raises(ValidationError):
        services.conference_cancel(conference_id=conference.pk, by=staff)


def test_follow_up_with_a_non_https_recording_is_refused(staff, tree):
    conference = make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-2))

    with pytest.raises(ValidationError) as error:
        services.conference_follow_up(
            conference_id=conference.pk,
            by=staff,
            recording_url="http://youtube.example/x",
            summary="",
            attendance_count=12,
        )

    assert "recording_url" in error.value.message_dict
    conference.refresh_from_db()
    assert conference.attendance_count is None


def test_follow_up_is_stored(staff, tree):
    conference = make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-2))

    services.conference_follow_up(
        conference_id=conference.pk,
        by=staff,
        recording_url="https://video.rotesnetz.example/dialog",
        summary="Viele Fragen zum ÖPNV.",
        attendance_count=187,
    )

    conference.refresh_from_db()
    assert conference.attendance_count == 187
    assert conference.recording_url == "https://video.rotesnetz.example/dialog"
