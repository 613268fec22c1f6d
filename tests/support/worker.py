"""A real Celery worker in its own process, for tests that kill it, and polling helpers."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float = 30, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def worker_env(*, smtp_port: int) -> dict:
    """The worker must use the test database (its name differs from DATABASE_URL's) and the
    sink's SMTP port, so both go in through its environment."""
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "DATABASE_POOL": "0",
        "DJANGO_ENV": "development",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        # Rows a dead worker left in "sending" may go out again after two seconds.
        "OUTBOX_STALE_SENDING_SECONDS": "2",
        "LOG_LEVEL": "INFO",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


class WorkerProcess:
    """``celery -A rotesnetz worker --pool=solo`` against the test database and the SMTP sink."""

    def __init__(self, env: dict, log_dir: Path, name: str = "worker"):
        self.env = env
        self.log_dir = log_dir
        self.name = name
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log_dir / f"worker-{self.starts}.log"
        self.log_path = log
        handle = open(log, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "rotesnetz",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                "-n",
                f"{self.name}-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        self._handle = handle
        if not wait_for(lambda: " ready." in log.read_text(), timeout=30):
            self.stop()
            pytest.fail("celery worker did not start:\n" + log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing cleaned up."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        self._handle.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._handle.close()

    def log(self) -> str:
        return self.log_path.read_text()


def require_worker_database() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs the PostgreSQL test database")
