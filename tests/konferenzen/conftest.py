"""Fixtures for the conference tests, including a real Celery worker as a subprocess."""

import pytest

from tests.support.factories import make_staff, make_tree
from tests.support.worker import WorkerProcess, require_worker_database, worker_env
from tests.support.worker import wait_for as wait_for  # re-exported for older imports


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def staff(tree):
    return make_staff(landesverband=tree["lv"])


@pytest.fixture
def worker_process(transactional_db, redis_url, smtp_sink, tmp_path):
    """A real worker in its own process, on the test database and the SMTP sink."""
    from rotesnetz.celery import app

    require_worker_database()
    app.control.purge()  # nothing left over from an earlier test
    worker = WorkerProcess(worker_env(smtp_port=smtp_sink.port), tmp_path, name="konferenzen")
    worker.start()
    yield worker
    worker.stop()
    app.control.purge()
