"""The outbox on the embedded defaults a newcomer runs (SQLite, Celery eager, console mail).

The other outbox tests run on PostgreSQL. On SQLite the claim's compare-and-set once compared
an aware datetime with the stored naive text and never matched, so no mail was ever sent.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
call_command("migrate", verbosity=0)
from rotesnetz.outbox.models import OutboundMail
from rotesnetz.outbox.services import MailSpec, mail_enqueue
with transaction.atomic():
    mail_enqueue(MailSpec(
        key="embedded-defaults-check",
        to="mitglied@example.org",
        template="membership_decision",
        context={"accepted": True, "gliederung": {"name": "OV Testhausen"}},
        purpose="check",
    ))
print("STATUS", OutboundMail.objects.get(key="embedded-defaults-check").status)
"""


def test_a_mail_reaches_the_console_on_sqlite(tmp_path):
    services = {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL", "EMAIL_HOST"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in services and not key.startswith(("PYTEST", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rotesnetz.settings",
        SQLITE_PATH=str(tmp_path / "demo.sqlite3"),
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "To: mitglied@example.org" in done.stdout
    assert "STATUS sent" in done.stdout
