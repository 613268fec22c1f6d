import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from rotesnetz.rooms import services
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_tree

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_row_counts(postgres):
    tree = make_tree()
    member = make_member(tree["ov"])
    services.message_post(
        room=Room.objects.get(gliederung=tree["ov"], is_main=True), author=member, text="Sicherung"
    )
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    result = subprocess.run(
        [sys.executable, "scripts/backup_restore_check.py", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical counts" in result.stdout
