"""Real outages: Redis stopped and restarted, PostgreSQL stopped and restarted.

Each test brings its own Redis (so the rest of the run is not disturbed); the PostgreSQL test
stops and restarts the run's own cluster (scripts/services.sh exports where it lives).
"""

import os
import subprocess
import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from konferenzen.enums import Audience
from konferenzen.models import Registration
from parteischule.models import Enrolment
from quartier.models import AdviceBooking
from rotesnetz.celery import app
from rotesnetz.members.models import MembershipRole
from rotesnetz.outbox import services as outbox
from rotesnetz.outbox.models import MailStatus, OutboundMail
from rotesnetz.rooms.models import Message, Room
from tests.conftest import require_service
from tests.support.factories import make_member, make_tree, make_user
from tests.support.konferenzen_factories import make_conference
from tests.support.parteischule_factories import make_course
from tests.support.quartier_factories import make_office, make_slot
from tests.support.services import OwnRedis

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_redis(tmp_path, settings):
    redis = OwnRedis(tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {"BACKEND": "rotesnetz.cache.TolerantRedisCache", "LOCATION": redis.url}
    }
    settings.CELERY_BROKER_URL = redis.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old_broker = app.conf.broker_url
    app.conf.broker_url = redis.url
    app.conf.task_always_eager = False
    app._pool = None
    yield redis
    redis.stop()
    app.conf.broker_url = old_broker
    app._pool = None


def _redis_back_and_outbox_drained(own_redis, smtp_sink, expected: int) -> None:
    """Redis comes back; what beat's sweeper does then sends every waiting mail, once."""
    own_redis.start()
    app._pool = None
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            outbox.outbound_sweep()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(smtp_sink.messages) < expected:
            time.sleep(0.1)
        with time_machine.travel(timezone.now() + timedelta(minutes=5)):
            assert outbox.outbound_sweep() == 0


def test_requests_succeed_while_redis_is_down_and_every_mail_goes_out_once(
    own_redis, smtp_sink, settings
):
    settings.MAILERS = smtp_sink.mailers_setting()
    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND, email="vorstand-fault@example.org")
    members = [make_user(email=f"neu{n}@example.org") for n in range(5)]
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)

    own_redis.stop()
    for member in members:
        client = Client(raise_request_exception=False)
        client.force_login(member)
        response = client.post(reverse("members:membership_request_create", args=[tree["ov"].slug]))
        assert response.status_code == 302
    client = Client(raise_request_exception=False)
    client.force_login(vorstand)
    assert (
        client.post(reverse("rooms:post", args=[room.pk]), {"text": "Redis ist weg"}).status_code
        == 302
    )
    assert Message.objects.filter(room=room).count() == 1
    assert OutboundMail.objects.filter(status=MailStatus.QUEUED).count() == 5
    assert smtp_sink.messages == []

    _redis_back_and_outbox_drained(own_redis, smtp_sink, 5)
    assert [rcpts for rcpts, _ in smtp_sink.messages] == [["vorstand-fault@example.org"]] * 5
    assert OutboundMail.objects.filter(status=MailStatus.SENT).count() == 5


def test_a_task_still_runs_after_redis_restarted_five_times(
    own_redis, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_sink.mailers_setting()
    for _ in range(5):
        own_redis.stop()
        own_redis.start()
    app._pool = None

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.mail_enqueue(
                outbox.MailSpec(
                    key="fault:restart",
                    to="nach-neustart@example.org",
                    template="membership_decision",
                    context={"accepted": True, "gliederung": {"name": "OV"}},
                    purpose="test",
                )
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not smtp_sink.messages:
            time.sleep(0.1)

    assert [rcpts for rcpts, _ in smtp_sink.messages] == [["nach-neustart@example.org"]]


def _pg_ctl(action: str) -> None:
    data = os.environ["RN_PG_DATA"]
    log = os.path.join(os.path.dirname(data), "log")  # pg_ctl must not hold our pipes open
    command = [os.path.join(os.environ["RN_PG_BIN"], "pg_ctl"), "-D", data, "-l", log, "-w"]
    command += ["-m", "fast", action]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def test_postgresql_outage_gives_503_and_recovers_without_loss(postgres):
    require_service("the run's own PostgreSQL cluster", bool(os.environ.get("RN_PG_DATA")))
    tree = make_tree()
    member = make_member(tree["ov"])
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    assert client.post(reverse("rooms:post", args=[room.pk]), {"text": "vorher"}).status_code == 302
    from django.db import connections

    connections.close_all()
    _pg_ctl("stop")
    try:
        page = client.get(reverse("rooms:list"))
        health = client.get("/healthz")
    finally:
        _pg_ctl("start")
    connections.close_all()

    assert page.status_code == 503
    assert "kurz nicht erreichbar" in page.content.decode()
    assert health.status_code == 503
    assert health.json()["status"] == "down"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and client.get("/healthz").status_code != 200:
        time.sleep(0.2)
    assert client.get("/healthz").status_code == 200
    assert (
        client.post(reverse("rooms:post", args=[room.pk]), {"text": "nachher"}).status_code == 302
    )
    assert list(Message.objects.filter(room=room).values_list("text", flat=True)) == [
        "vorher",
        "nachher",
    ]


def test_enrol_register_and_book_while_redis_is_down_then_every_mail_goes_out_once(
    own_redis, smtp_sink, settings
):
    """Parteischule enrolment, conference registration and a Quartier booking with Redis
    (cache and broker) away: each request succeeds, its mail waits in the outbox and goes out
    exactly once after Redis is back."""
    settings.MAILERS = smtp_sink.mailers_setting()
    tree = make_tree()
    member = make_member(tree["ov"], email="mitglied-fault@example.org")
    course = make_course()
    conference = make_conference(gliederung=tree["lv"], audience=Audience.LANDESVERBAND)
    office = make_office()
    slot = make_slot(office)

    own_redis.stop()
    client = Client(raise_request_exception=False)
    client.force_login(member)
    enrolled = client.post(reverse("parteischule:enrol", args=[course.pk]))
    registered = client.post(reverse("konferenzen:register", args=[conference.slug]))
    booked = Client(raise_request_exception=False).post(
        reverse("quartier:book", args=[office.slug, slot.pk]),
        {
            "name": "Erika Muster",
            "email": "erika-fault@example.org",
            "phone": "",
            "topic": "Miete",
            "consent": "on",
        },
    )

    assert (enrolled.status_code, registered.status_code, booked.status_code) == (302, 302, 200)
    assert Enrolment.objects.filter(course=course, user=member).exists()
    assert Registration.objects.filter(conference=conference, user=member).exists()
    assert AdviceBooking.objects.filter(slot=slot, email="erika-fault@example.org").exists()
    queued = list(
        OutboundMail.objects.filter(status=MailStatus.QUEUED).values_list("to", flat=True)
    )
    assert len(queued) >= 3, queued
    assert smtp_sink.messages == []

    _redis_back_and_outbox_drained(own_redis, smtp_sink, len(queued))
    assert sorted(rcpt for rcpts, _ in smtp_sink.messages for rcpt in rcpts) == sorted(queued)
    assert OutboundMail.objects.filter(status=MailStatus.SENT).count() == len(queued)
