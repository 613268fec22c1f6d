#!/usr/bin/env bash
# Benchmarks on demand (not part of the test run): starts PostgreSQL and Redis on loopback,
# runs the chosen benchmark and prints its figures with ratios against a baseline.
#   scripts/bench.sh rooms [--sizes 100,500,1000] [--seconds 60]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

which="${1:-rooms}"
shift || true
ensure_venv
compile_messages
start_services
ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true
case "$which" in
  rooms) "$PY" bench/rooms_fanout.py "$@" ;;
  *) for script in bench/"$which"*.py; do "$PY" "$script" "$@"; done ;;
esac
