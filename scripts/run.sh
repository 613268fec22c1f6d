#!/usr/bin/env bash
# One command from a fresh clone to a running platform with demo data on embedded defaults:
# SQLite, in-memory channel layer, eager Celery, mail on the console.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_venv --no-dev --inexact  # keeps a developer's test tools
compile_messages
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# Links in the platform's own mails (and calendar files) point where it runs.
export SITE_URL="${SITE_URL:-http://$HOST:$PORT}"
# The demo shows the platform's own error pages (German, with the site's navigation), not
# Django's technical ones with every URL pattern; DEBUG=1 make run brings those back.
export DEBUG="${DEBUG:-0}"
say "Datenbank migrieren und Demo laden"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py demo
say "Rotes Netz läuft auf http://$HOST:$PORT/ (Strg+C beendet)"
exec "$ROOT/.venv/bin/uvicorn" rotesnetz.asgi:application --host "$HOST" --port "$PORT" \
  --ws websockets-sansio --ws-max-size 65536 --ws-per-message-deflate false --lifespan off \
  --log-level warning
