#!/usr/bin/env bash
# Benchmarks, run on demand (not in CI). Starts throw-away PostgreSQL and Redis on loopback,
# runs every bench/*.py (or the ones named) and stops what it started.
#   bash scripts/bench.sh                       all benchmarks
#   bash scripts/bench.sh konferenzen_dispatch  one of them
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

ensure_venv
compile_messages
start_services
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for file in bench/*.py; do names+=("$(basename "$file" .py)"); done
fi
status=0
for name in "${names[@]}"; do
  say "Benchmark: $name"
  "$PY" "bench/$name.py" || status=1
done
exit $status
