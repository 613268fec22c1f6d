"""Fixtures of the fault tier: processes a test may kill and start again."""

import pytest

from tests.support.asgi import AsgiServer
from tests.support.services import OwnRedis
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


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of the test's own, which it may stop and start again."""
    redis = OwnRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def chat_server(postgres, redis_server, tmp_path):
    """uvicorn with the platform in its own process, on the test database and that Redis."""
    server = AsgiServer(
        {
            "REDIS_URL": redis_server.url,
            "REDIS_CACHE_URL": redis_server.db_url(1),
            "CELERY_BROKER_URL": redis_server.db_url(2),
            "ROOM_RATE_LIMIT_COUNT": "1000000",
        },
        tmp_path / "uvicorn.log",
    )
    server.start()
    yield server
    server.stop()
