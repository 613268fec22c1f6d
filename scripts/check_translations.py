"""Fails when the German catalogue has untranslated or fuzzy entries."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project catalogue and one per part (each app keeps its own locale/).
catalogues = sorted(
    path
    for pattern in (
        "locale/de/LC_MESSAGES/*.po",
        "locale_overrides/de/LC_MESSAGES/*.po",
        "*/locale/de/LC_MESSAGES/*.po",
        "rotesnetz/*/locale/de/LC_MESSAGES/*.po",
    )
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
if not catalogues:
    sys.exit("locale/de/LC_MESSAGES has no catalogue")
failed = False
for po in catalogues:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    stats = result.stderr.strip()
    if result.returncode != 0 or "untranslated" in stats or "fuzzy" in stats:
        print(f"{po.relative_to(ROOT)}: {stats}", file=sys.stderr)
        failed = True
    else:
        print(f"{po.relative_to(ROOT)}: {stats}")
sys.exit(1 if failed else 0)
