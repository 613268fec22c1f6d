"""Fixtures of the fault tier: processes a test may kill and start again."""

import pytest

from tests.support.worker import WorkerProcess, require_worker_database, worker_env


@pytest.fixture
def worker_process(transactional_db, redis_url, smtp_sink, tmp_path):
    """A real Celery worker (solo pool) in its own process, on the test database and the
    SMTP sink; the test may SIGKILL it and start it again."""
    from rotesnetz.celery import app

    require_worker_database()
    app.control.purge()  # nothing left over from an earlier test
    worker = WorkerProcess(worker_env(smtp_port=smtp_sink.port), tmp_path, name="fault")
    worker.start()
    yield worker
    worker.stop()
    app.control.purge()
