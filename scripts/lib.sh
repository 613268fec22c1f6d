# Shared helpers for scripts/run.sh and scripts/test.sh. Sourced, not executed.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'FEHLER: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = "0" ]; }

find_python() {
  # Django 6.1 needs Python 3.12+; the machine's python3 may be 3.11.
  local candidates=(python3.13 python3.12)
  local root
  root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  for c in "$root"/versions/3.13*/bin/python "$root"/versions/3.12*/bin/python /usr/bin/python3 python3; do
    candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    local exe
    exe="$(command -v "$c" 2>/dev/null || true)"
    [ -n "$exe" ] && [ -x "$exe" ] || continue
    if "$exe" -c 'import sys; sys.exit(0 if (3, 12) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null; then
      # pyenv shims answer for versions that are not the selected one; resolve the real path.
      "$exe" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  return 1
}

apt_install() {
  # Installs Debian packages when we are root and they are missing.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    die "Es fehlen Systempakete: ${missing[*]}. Bitte installieren: sudo apt-get install ${missing[*]}"
  fi
  say "Installiere Systempakete: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
  local python
  python="$(find_python)" || die "Python 3.12 oder 3.13 wird benötigt (python3.12, python3.13 oder pyenv)."
  if [ ! -x "$ROOT/.uv-tool/bin/uv" ]; then
    say "Installiere uv"
    "$python" -m venv "$ROOT/.uv-tool"
    "$ROOT/.uv-tool/bin/pip" install -q uv
  fi
  say "Installiere Python-Pakete (uv.lock)"
  "$ROOT/.uv-tool/bin/uv" sync --locked --quiet --python "$python" "$@"
}

PY="$ROOT/.venv/bin/python"

compile_messages() {
  apt_install gettext
  (cd "$ROOT" && "$PY" manage.py compilemessages --ignore=.venv --ignore=.uv-tool -v 0)
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pip_audit() {
  # Known vulnerabilities of exactly the locked packages (uv.lock, all groups), looked up in
  # PyPI's vulnerability data. If that service cannot be reached from this machine, CI
  # (CI=true) fails and says so, because an audit that did not run must not look like a pass;
  # locally it is a warning. RN_PIP_AUDIT=0 skips the step on purpose (and says so).
  if [ "${RN_PIP_AUDIT:-1}" = "0" ]; then
    say "pip-audit übersprungen: RN_PIP_AUDIT=0 gesetzt."
    return 0
  fi
  local requirements output
  requirements="$(mktemp)"
  "$ROOT/.uv-tool/bin/uv" export --frozen --all-groups --no-hashes --no-emit-project \
    --format requirements-txt --quiet >"$requirements"
  if output="$("$ROOT/.venv/bin/pip-audit" --disable-pip --no-deps -r "$requirements" \
      --progress-spinner off 2>&1)"; then
    rm -f "$requirements"
    printf '%s\n' "$output" | grep -v '^WARNING:pip_audit' || true
    return 0
  fi
  rm -f "$requirements"
  if printf '%s' "$output" | grep -qiE 'ConnectionError|ProxyError|Max retries|NewConnectionError|Name or service not known|Temporary failure in name resolution|timed out'; then
    local why="pip-audit: der Schwachstellendienst (PyPI) ist von diesem Rechner aus nicht erreichbar ($(printf '%s' "$output" | grep -oiE "Failed to establish a new connection: [^\"')]*|Name or service not known|Temporary failure in name resolution|timed out" | tail -n 1))."
    if [ -n "${CI:-}" ]; then
      die "$why Mit CI=true ist das ein Fehler: ungeprüfte Pakete dürfen nicht als geprüft gelten."
    fi
    say "$why Lokal nur eine Warnung; in CI (CI=true) schlägt dieser Schritt fehl."
    return 0
  fi
  printf '%s\n' "$output"
  die "pip-audit meldet bekannte Schwachstellen in den gesperrten Paketen."
}
