"""The room search on the embedded defaults a newcomer runs (SQLite, the demo).

The other search tests run on PostgreSQL with its German stemming. On SQLite the fallback
once matched case only for ASCII ("Übernehmen" found nothing) and no other word form
("Wohnungen" did not find "Wohnung").
"""

import json

from tests.support.embedded import run_on_embedded_defaults

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
    done = run_on_embedded_defaults(_SCRIPT, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.split("FOUND ", 1)[1])
    assert found == {
        "Wohnungen": ["Wer kann die Wohnung übernehmen?"],
        "Übernehmen": ["Wer kann die Wohnung übernehmen?"],
        '"Punkt eins"': ["Punkt eins der Tagesordnung"],
        "wohnung Tagesordnung": [],
        "infostand,": ["Infostand am Markt"],
    }
