"""The outbox on the embedded defaults a newcomer runs (SQLite, Celery eager, console mail).

The other outbox tests run on PostgreSQL. On SQLite the claim's compare-and-set once compared
an aware datetime with the stored naive text and never matched, so no mail was ever sent.
"""

from tests.support.embedded import run_on_embedded_defaults

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
    done = run_on_embedded_defaults(_SCRIPT, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "To: mitglied@example.org" in done.stdout
    assert "STATUS sent" in done.stdout
