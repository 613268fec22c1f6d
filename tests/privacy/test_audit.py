"""Exports and lists of personal data are recorded; admins read the trail, nobody edits it."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from quartier.enums import TeamRole
from rotesnetz.members.models import MembershipRole
from rotesnetz.privacy.models import AuditEntry
from rotesnetz.privacy.services import audit_record
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_tree, make_user
from tests.support.parteischule_factories import enrol, make_course
from tests.support.quartier_factories import make_contact_request, make_office, make_team_member

pytestmark = pytest.mark.django_db


def _admin():
    user = make_user(is_staff=True, is_superuser=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def _entries(user) -> list[tuple[str, str, int | None]]:
    return list(
        AuditEntry.objects.filter(actor=user)
        .order_by("id")
        .values_list("action", "target_label", "count")
    )


def test_room_export_is_recorded(client):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    client.force_login(vorstand)

    response = client.get(f"/raeume/{room.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert _entries(vorstand) == [("rooms.export", str(room), 0)]


def test_room_export_by_a_member_is_refused_and_not_recorded(client):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    member = make_member(tree["ov"])
    client.force_login(member)

    response = client.get(f"/raeume/{room.pk}/export/")

    assert response.status_code == 404
    assert _entries(member) == []


def test_member_list_view_is_recorded_with_its_size(client):
    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    make_member(tree["ov"])
    client.force_login(vorstand)

    client.get(f"/gliederungen/{tree['ov'].slug}/")

    assert _entries(vorstand) == [("members.member_list.view", tree["ov"].name, 2)]


def test_member_without_the_right_leaves_no_list_entry(client):
    tree = make_tree()
    member = make_member(tree["ov"])
    client.force_login(member)

    client.get(f"/gliederungen/{tree['ov'].slug}/")

    assert _entries(member) == []


def test_participant_list_is_recorded(client):
    course = make_course()
    enrol(course)
    trainer = make_user()
    course.trainers.add(trainer)
    client.force_login(trainer)

    response = client.get(f"/parteischule/verwalten/kurse/{course.pk}/")

    assert response.status_code == 200
    assert _entries(trainer) == [("parteischule.participants.view", course.title, 1)]


def test_office_inbox_concern_and_report_export_are_recorded(client):
    office = make_office()
    request = make_contact_request(office)
    lead = make_team_member(office, TeamRole.LEAD)
    client.force_login(lead)

    client.get(f"/buero/{office.slug}/postfach/?status=new")
    client.get(f"/buero/{office.slug}/postfach/{request.pk}/")
    csv = client.get(f"/buero/{office.slug}/bericht/?format=csv")

    assert csv.status_code == 200
    actions = [action for action, _label, _count in _entries(lead)]
    assert actions == [
        "quartier.inbox.view",
        "quartier.contact_request.view",
        "quartier.impact_report.export",
    ]
    assert AuditEntry.objects.get(action="quartier.inbox.view").filters == {"status": "new"}


def test_office_csv_export_in_the_admin_needs_its_right_and_is_recorded(client):
    office = make_office()
    admin = _admin()
    client.force_login(admin)

    response = client.post(
        reverse("admin:quartier_office_changelist"),
        {"action": "export_csv", "_selected_action": [office.pk]},
    )

    assert response["Content-Type"].startswith("text/csv")
    entry = AuditEntry.objects.get(action="quartier.offices.export")
    assert (entry.actor, entry.count, entry.filters) == (admin, 1, {"ids": [office.pk]})


def test_office_lead_has_no_office_export_action(client):
    office = make_office()
    lead = make_team_member(office, TeamRole.LEAD, is_staff=True)
    TOTP.activate(lead, "JBSWY3DPEHPK3PXP")
    client.force_login(lead)

    response = client.get(reverse("admin:quartier_office_changelist"))

    assert response.status_code == 200
    assert "export_csv" not in response.content.decode()


def test_audit_trail_is_readable_by_admins_and_editable_by_nobody(client):
    entry = audit_record(actor=make_user(), action="rooms.export", target="Raum")
    client.force_login(_admin())

    changelist = client.get(reverse("admin:privacy_auditentry_changelist"))
    detail = client.get(reverse("admin:privacy_auditentry_change", args=[entry.pk]))
    add = client.get(reverse("admin:privacy_auditentry_add"))
    delete = client.post(
        reverse("admin:privacy_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    change = client.post(
        reverse("admin:privacy_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )

    assert changelist.status_code == 200
    assert detail.status_code == 200
    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    entry.refresh_from_db()
    assert entry.action == "rooms.export"


def test_audit_trail_is_hidden_from_other_staff(client):
    office = make_office()
    lead = make_team_member(office, TeamRole.LEAD, is_staff=True)
    TOTP.activate(lead, "JBSWY3DPEHPK3PXP")
    client.force_login(lead)

    response = client.get(reverse("admin:privacy_auditentry_changelist"))

    assert response.status_code == 403


def test_idea_export_is_recorded_with_its_filter(client):
    from tests.support.factories import make_staff
    from tests.support.ideas_factories import make_idea, make_process

    tree = make_tree()
    staff = make_staff(landesverband=tree["lv"])
    process = make_process(landesverband=tree["lv"], by=staff)
    make_idea(process, make_member(tree["ov"]))
    client.force_login(staff)

    response = client.get(f"/ideen/{process.slug}/export.csv?status=submitted")

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="ideas.export")
    assert (entry.actor, entry.target_label, entry.count) == (staff, process.title, 1)
    assert entry.filters["status"] == "submitted"


def test_conference_participants_and_briefing_are_recorded(client):
    from tests.support.factories import make_staff
    from tests.support.konferenzen_factories import (
        make_conference,
        make_question,
        make_registration,
    )

    tree = make_tree()
    conference = make_conference(gliederung=tree["lv"])
    make_question(make_registration(conference, user=make_member(tree["ov"])))
    staff = make_staff(landesverband=tree["lv"])
    client.force_login(staff)

    client.get(f"/konferenzen/verwaltung/{conference.slug}/")
    briefing = client.get(f"/konferenzen/{conference.slug}/fragen/briefing.csv")

    assert briefing.status_code == 200
    assert _entries(staff) == [
        ("konferenzen.participants.view", conference.title, 1),
        ("konferenzen.briefing.export", conference.title, 1),
    ]
