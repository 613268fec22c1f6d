"""The room search on the embedded defaults a newcomer runs (SQLite, the demo).

The other search tests run on PostgreSQL with its German stemming. On SQLite the fallback
once matched case only for ASCII ("Übernehmen" found nothing) and no other word form
("Wohnungen" did not find "Wohnung").
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from rotesnetz.rooms import selectors, services
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_tree
tree = make_tree()
room = Room.objects.get(gliederung=tree["ov"], is_main=True)
member = make_member(tree["ov"])
texts = ["Wer kann die Wohnung übernehmen?", "Punkt eins der Tagesordnung", "Infostand am Markt"]
for text in texts:
    services.message_post(room=room, author=member, text=text)
found = {}
for query in ["Wohnungen", "Übernehmen", '"Punkt eins"', "wohnung Tagesordnung", "infostand,"]:
    found[query] = [m.text for m in selectors.search_messages(user=member, query=query)]
print("FOUND", json.dumps(found, ensure_ascii=False))
"""


def test_the_search_finds_word_forms_and_umlauts_on_sqlite(tmp_path):
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
    found = json.loads(done.stdout.split("FOUND ", 1)[1])
    assert found == {
        "Wohnungen": ["Wer kann die Wohnung übernehmen?"],
        "Übernehmen": ["Wer kann die Wohnung übernehmen?"],
        '"Punkt eins"': ["Punkt eins der Tagesordnung"],
        "wohnung Tagesordnung": [],
        "infostand,": ["Infostand am Markt"],
    }
