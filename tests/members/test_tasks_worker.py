"""Membership mails through a real Celery worker on Redis, into a real SMTP sink."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from rotesnetz.celery import app
from rotesnetz.members import services
from rotesnetz.members.models import MembershipRole
from tests.support.factories import make_member, make_tree, make_user

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_url, settings, smtp_sink):
    settings.MAILERS = smtp_sink.mailers_setting()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield smtp_sink


def _wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_decision_mail_is_sent_by_the_worker(worker):
    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    user = make_user(email="wartet@example.org")
    request = services.membership_request_create(user=user, gliederung=tree["ov"])

    services.membership_request_decide(request_id=request.pk, by=vorstand, accept=True)

    assert _wait_for(lambda: worker.to("wartet@example.org"))
    message = worker.to("wartet@example.org")[0]
    assert "Willkommen" in message["Subject"]
    assert _wait_for(lambda: worker.to(vorstand.email))
