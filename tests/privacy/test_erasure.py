"""Account deletion: nothing of the person stays findable in the database, Redis or media."""

import io
import os
import zipfile

import pytest
import redis
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import serializers

from quartier.models import AdviceSlot
from rotesnetz.members.models import User
from rotesnetz.privacy.models import AuditEntry
from rotesnetz.rooms import services as room_services
from rotesnetz.rooms.models import Message
from tests.support.factories import PASSWORD
from tests.support.privacy_factories import make_person, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roots(settings, tmp_path):
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "media"


def database_dump() -> str:
    """Every row of every table (with the M2M tables), and the sessions decoded."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        parts.append(serializers.serialize("json", model._default_manager.all()))
    for session in Session.objects.all():
        parts.append(str(session.get_decoded()))
    return "\n".join(parts).lower()


def redis_dump() -> str:
    """Every key and value in every Redis database the platform uses."""
    texts = []
    for variable in ("REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL"):
        url = os.environ.get(variable)
        if not url:
            continue
        connection = redis.Redis.from_url(url)
        for key in connection.scan_iter(count=1000):
            texts.append(repr(key))
            kind = connection.type(key).decode()
            if kind == "string":
                texts.append(repr(connection.get(key)))
            elif kind == "list":
                texts.append(repr(connection.lrange(key, 0, -1)))
            elif kind == "hash":
                texts.append(repr(connection.hgetall(key)))
            elif kind == "set":
                texts.append(repr(connection.smembers(key)))
            elif kind == "zset":
                texts.append(repr(connection.zrange(key, 0, -1)))
    return "\n".join(texts).lower()


def files_dump(*roots) -> str:
    """Every file under the roots, zip archives unpacked."""
    texts = []
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                data = open(os.path.join(dirpath, name), "rb").read()  # noqa: SIM115
                if zipfile.is_zipfile(io.BytesIO(data)):
                    archive = zipfile.ZipFile(io.BytesIO(data))
                    data = b"".join(archive.read(member) for member in archive.namelist())
                texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts).lower()


def test_erasure_leaves_nothing_findable(
    client, settings, redis_url, django_capture_on_commit_callbacks
):
    world = make_world()
    person = make_person(world, tag="ZENO", name="Zenobia Quillfeather", phone="0176 5550199")
    other = make_person(world, tag="OTTO", name="Otto Overbeck", phone="0176 5550123")
    mention = room_services.message_post(
        room=world.room,
        author=other.user,
        text="Danke @**Zenobia Quillfeather** – schreib an zenobia.q@example.org",
    )
    # The room page is rendered once (and cached in Redis) before the deletion.
    client.force_login(other.user)
    assert person.name in client.get(f"/raeume/{world.room.pk}/").content.decode()
    assert "zenobia quillfeather" in redis_dump()
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/daten/", {"password": PASSWORD})
    assert "zenobia quillfeather" in database_dump()
    assert "zeno@example.org" in files_dump(settings.PRIVACY_EXPORT_ROOT)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/loeschen/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.user.pk).exists()
    needles = [person.name.lower(), person.email, person.phone, "zeno-"]
    stores = {
        "database": database_dump(),
        "redis": redis_dump(),
        "files": files_dump(settings.MEDIA_ROOT, settings.PRIVACY_EXPORT_ROOT),
    }
    found = [(store, n) for store, text in stores.items() for n in needles if n in text]
    # The person's own words in rooms and ideas stay (as "deleted member"); nothing else.
    room_words = {"ZENO-message", "ZENO-edited", "ZENO-idea", "ZENO-idea-text", "ZENO-comment"}
    assert [(s, n) for s, n in found if n != "zeno-"] == []
    remaining = {marker for marker in person.markers if marker.lower() in stores["database"]}
    assert remaining == room_words
    # The other person's data is untouched.
    assert other.name.lower() in stores["database"]
    assert other.email in stores["database"]
    mention.refresh_from_db()
    assert "Zenobia" not in mention.text
    assert "@**gelöschtes Mitglied**" in mention.text


def test_erasure_keeps_messages_as_deleted_member(client):
    world = make_world()
    person = make_person(world, tag="ZENO", name="Zenobia Quillfeather", phone="0176 5550199")
    reader = make_person(world, tag="RITA", name="Rita Reader", phone="0176 5550111")
    client.force_login(person.user)

    client.post("/konto/loeschen/", {"password": PASSWORD, "confirm": "on"})

    messages = Message.objects.filter(pk__in=person.message_ids)
    assert [m.author_id for m in messages] == [None, None]
    client.force_login(reader.user)
    page = client.get(f"/raeume/{world.room.pk}/").content.decode()
    assert page.count("gelöschtes Mitglied") >= 2
    assert "ZENO-message" in page
    assert "Zenobia" not in page


def test_erasure_frees_future_places(client):
    world = make_world()
    person = make_person(world, tag="ZENO", name="Zenobia Quillfeather", phone="0176 5550199")
    client.force_login(person.user)

    client.post("/konto/loeschen/", {"password": PASSWORD, "confirm": "on"})

    assert AdviceSlot.objects.filter(office=world.office, booked=True).count() == 0
    assert world.course.enrolments.count() == 0


def test_erasure_needs_password_and_confirmation(client):
    world = make_world()
    person = make_person(world, tag="ZENO", name="Zenobia Quillfeather", phone="0176 5550199")
    client.force_login(person.user)

    unconfirmed = client.post("/konto/loeschen/", {"password": PASSWORD})
    wrong = client.post("/konto/loeschen/", {"password": "nicht-das-passwort", "confirm": "on"})

    assert unconfirmed.status_code == 200
    assert wrong.status_code == 200
    assert User.objects.filter(pk=person.user.pk).exists()


def test_erasure_is_recorded_without_the_person(client):
    world = make_world()
    person = make_person(world, tag="ZENO", name="Zenobia Quillfeather", phone="0176 5550199")
    client.force_login(person.user)

    client.post("/konto/loeschen/", {"password": PASSWORD, "confirm": "on"})

    entry = AuditEntry.objects.get(action="privacy.account.deleted")
    assert entry.actor is None
    assert entry.target_label == f"#{person.user.pk}"


def test_erasure_by_an_admin_runs_every_eraser(admin_client):
    world = make_world()
    person = make_person(world, tag="ZENO", name="Zenobia Quillfeather", phone="0176 5550199")
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    admin = User.objects.get(email="admin@example.com")
    if not Authenticator.objects.filter(user=admin).exists():
        TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DP")

    response = admin_client.post(f"/admin/members/user/{person.user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.user.pk).exists()
    assert "zenobia quillfeather" not in database_dump()
