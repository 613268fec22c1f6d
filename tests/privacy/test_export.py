"""Own data: an archive of everything about A and nothing about B, after the password."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rotesnetz.privacy.models import AuditEntry, DataExport, ExportStatus
from rotesnetz.rooms import services as room_services
from tests.support.factories import PASSWORD, make_user
from tests.support.privacy_factories import make_person, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"


def _archive(client, export) -> dict[str, str]:
    response = client.get(f"/konto/daten/{export.pk}/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_export_contains_all_of_a_and_none_of_b(client, django_capture_on_commit_callbacks):
    world = make_world()
    a = make_person(world, tag="ANNA", name="Anna Apfelbaum", phone="0621 111111")
    b = make_person(world, tag="BERT", name="Bert Birnbaum", phone="0621 222222")
    # B answers A's message, mentions A and reacts to it: B's words stay B's.
    room_services.message_post(
        room=world.room,
        author=b.user,
        text="@**Anna Apfelbaum** BERT-reply",
        parent_id=a.message_ids[0],
    )
    room_services.reaction_toggle(message_id=a.message_ids[0], by=b.user, emoji="❤️")
    room_services.message_post(room=world.room, author=a.user, text="Code: <script>x()</script>")
    client.force_login(a.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/daten/", {"password": PASSWORD})
    export = DataExport.objects.get(user=a.user)
    files = _archive(client, export)

    assert response.status_code == 302
    text = "\n".join(files.values())
    missing = [m for m in [*a.markers, a.email, a.name, a.phone] if m not in text]
    leaked = [m for m in [*b.markers, "BERT-reply", b.email, b.name, b.phone] if m in text]
    assert missing == []
    assert leaked == []
    assert {"manifest.json", "members.json", "rooms.json", "outbox.json", "accounts.json"} <= set(
        files
    )
    assert {"quartier.json", "parteischule.json", "privacy.json", "admin_log.json"} <= set(files)
    assert {"ideas.json", "konferenzen.json"} <= set(files)
    for name, content in files.items():
        if name.endswith(".json"):
            json.loads(content)
    # The same data as a page for people, with everything they typed escaped.
    overview = files["uebersicht.html"]
    assert "Deine Daten bei" in overview and "Anna Apfelbaum" in overview
    assert "&lt;script&gt;x()&lt;/script&gt;" in overview
    assert "<script" not in overview
    # The second factor appears as a kind and a date, never its secret.
    accounts = json.loads(files["accounts.json"])
    assert [f["type"] for f in accounts["second_factors"]] == ["totp"]
    assert "JBSWY3DP" not in text


def test_export_request_and_download_are_audited(client, django_capture_on_commit_callbacks):
    user = make_user()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/daten/", {"password": PASSWORD})
    export = DataExport.objects.get(user=user)
    _archive(client, export)

    actions = list(
        AuditEntry.objects.filter(actor=user).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["privacy.export.requested", "privacy.export.downloaded"]
    assert export.status == ExportStatus.READY


def test_export_with_a_wrong_password_builds_nothing(client):
    user = make_user()
    client.force_login(user)

    response = client.post("/konto/daten/", {"password": "falsch-falsch-falsch"})

    assert response.status_code == 200
    assert "Das Passwort ist nicht richtig." in response.content.decode()
    assert not DataExport.objects.filter(user=user).exists()


def test_export_of_another_person_answers_404(client, django_capture_on_commit_callbacks):
    owner, other = make_user(), make_user()
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/daten/", {"password": PASSWORD})
    export = DataExport.objects.get(user=owner)

    client.force_login(other)
    response = client.get(f"/konto/daten/{export.pk}/")

    assert response.status_code == 404


def test_export_after_its_time_answers_404(client, settings, django_capture_on_commit_callbacks):
    user = make_user()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/daten/", {"password": PASSWORD})
    export = DataExport.objects.get(user=user)

    later = timezone.now() + timedelta(hours=settings.PRIVACY_EXPORT_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.get(f"/konto/daten/{export.pk}/")

    assert response.status_code == 404


def test_export_page_needs_a_login(client):
    response = client.get("/konto/daten/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_export_file_lies_outside_media_root(client, settings, django_capture_on_commit_callbacks):
    user = make_user()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/daten/", {"password": PASSWORD})
    export = DataExport.objects.get(user=user)

    path = settings.PRIVACY_EXPORT_ROOT / export.file_name
    assert path.exists()
    assert settings.MEDIA_ROOT not in path.parents
    assert export.file_name == f"{export.pk}.zip"


def test_export_lists_each_mail_with_its_subject_and_sent_time(
    client, django_capture_on_commit_callbacks
):
    from rotesnetz.outbox.services import MailSpec, mail_enqueue

    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(
            MailSpec(
                key="export-subject",
                to=user.email,
                template="membership_decision",
                context={"accepted": True, "gliederung": {"name": "OV Testhausen"}},
                purpose="members.decision",
            )
        )
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/daten/", {"password": PASSWORD})
    files = _archive(client, DataExport.objects.get(user=user))

    [mail] = json.loads(files["outbox.json"])
    assert (mail["subject"], mail["status"]) == ("Willkommen in OV Testhausen", "sent")
    assert mail["sent_at"] is not None
