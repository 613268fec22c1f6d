"""The platform under uvicorn in its own process, for tests that need a real server."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_tests() -> str:
    """DATABASE_URL of the test database (its name differs from the environment's)."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class AsgiServer:
    """``uvicorn rotesnetz.asgi:application`` on a free loopback port, on the test database,
    with the websocket implementation production gets (the Dockerfile names none: ``auto``)."""

    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_of_tests(),
            "DATABASE_POOL": "0",
            "DJANGO_ENV": "development",
            "DEBUG": "0",
            "RN_TEST_SERVER": "1",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "uvicorn"),
                "rotesnetz.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail("uvicorn did not start:\n" + self.log()[-3000:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process is not None:
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def status_kb(self, field: str) -> int:
        """A memory figure of the server process from /proc/<pid>/status (VmRSS, VmHWM)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise LookupError(field)
