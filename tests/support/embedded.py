"""A script run on the embedded defaults a newcomer gets (SQLite, Celery eager, console mail):
in a process of its own, without the services the other tests use."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_SERVICES = {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL", "EMAIL_HOST"}


def run_on_embedded_defaults(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _SERVICES and not key.startswith(("PYTEST", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rotesnetz.settings",
        SQLITE_PATH=str(tmp_path / "demo.sqlite3"),
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
