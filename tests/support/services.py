"""Services a fault test may stop and start at will: its own Redis on a free loopback port."""

import shutil
import subprocess
import time

from tests.conftest import require_service
from tests.support.smtp import free_port


class OwnRedis:
    """A redis-server of the test's own; ``stop`` kills it, ``start`` brings it back on the
    same port (empty: nothing is saved)."""

    def __init__(self, tmp_path):
        require_service("redis-server", shutil.which("redis-server") is not None)
        self.port = free_port()
        self.folder = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def db_url(self, number: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{number}"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True
                ).returncode
                == 0
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis did not start")

    def stop(self):
        if self.process:
            self.process.kill()
            self.process.wait()
            self.process = None
