#!/usr/bin/env bash
# One command for the whole test suite: installs and starts what the tests need (PostgreSQL,
# Redis, Chromium, gettext) on loopback, runs lint and every tier, stops what it started.
#   scripts/test.sh                  all tiers
#   TIERS="unit integration" scripts/test.sh   a subset
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

ensure_venv
apt_install chromium
compile_messages
say "Testwerkzeuge aus npm (axe-core für die Barrierefreiheitsprüfung)"
if command -v npm >/dev/null 2>&1; then
  npm ci --ignore-scripts --no-audit --no-fund --silent
elif [ -n "${CI:-}" ]; then
  die "npm fehlt: die Barrierefreiheitsprüfung braucht axe-core aus npm."
fi

say "Lint: ruff"
"$ROOT/.venv/bin/ruff" check .
"$ROOT/.venv/bin/ruff" format --check . >/dev/null || {
  "$ROOT/.venv/bin/ruff" format --diff . | head -50
  die "ruff format: Dateien sind nicht formatiert (make format)."
}
say "Sicherheit: bandit (eigener Code; Befunde beheben oder mit # nosec und Grund begründen)"
SOURCES=(rotesnetz)
for part in quartier parteischule konferenzen; do [ -d "$ROOT/$part" ] && SOURCES+=("$part"); done
"$ROOT/.venv/bin/bandit" -q -r "${SOURCES[@]}" -x '*/migrations/*' 2>/dev/null \
  || { "$ROOT/.venv/bin/bandit" -q -r "${SOURCES[@]}" -x '*/migrations/*'; die "bandit meldet Befunde."; }

say "Sicherheit: pip-audit (die Pakete aus uv.lock)"
pip_audit
say "Übersetzungen vollständig?"
"$PY" scripts/check_translations.py

start_services
say "Migrationen passen zu den Modellen?"
"$PY" manage.py makemigrations --check --dry-run >/dev/null || die "Migrationen fehlen (manage.py makemigrations)."

export RN_REQUIRE_SERVICES="${CI:-}"
TIERS="${TIERS:-unit integration channels celery browser fault}"
REPORT_DIR="$(mktemp -d)"
status=0
for tier in $TIERS; do
  say "Testebene: $tier"
  if ! RN_TIER_REPORT="$REPORT_DIR/$tier" "$PY" -m pytest --tier="$tier" -q -p no:randomly "$@"; then
    status=1
  fi
done

printf '\n%-12s %7s %7s %7s %7s\n' "Ebene" "passed" "failed" "skipped" "errors"
for tier in $TIERS; do
  if [ -f "$REPORT_DIR/$tier" ]; then
    read -r passed failed skipped errors <"$REPORT_DIR/$tier"
  else
    passed=0 failed=0 skipped=0 errors=1
  fi
  printf '%-12s %7s %7s %7s %7s\n' "$tier" "$passed" "$failed" "$skipped" "$errors"
  if [ "$passed" = "0" ]; then
    echo "Ebene $tier hat keinen Test ausgeführt." >&2
    status=1
  fi
  if [ -n "${CI:-}" ] && [ "$skipped" != "0" ]; then
    echo "Mit CI=true darf kein Test übersprungen werden (Ebene $tier)." >&2
    status=1
  fi
done
rm -rf "$REPORT_DIR"
exit $status
