#!/usr/bin/env bash
# Set-up and the two jobs the README starts with, on a fresh Debian machine with Python 3.11:
#   ./dev.sh example   pinned dependencies into .venv, then historiograph on examples/ -> out/
#   ./dev.sh test      the test extras and system packages too, then the whole test suite
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv
PY=${PYTHON:-python3}

apt_install() {
    # Only what is missing, and only where we may (root with apt): tests need real servers.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "dev.sh: please install: ${missing[*]}" >&2; exit 1
    fi
}

make_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; rm -rf "$VENV"; "$PY" -m venv "$VENV"; }
    fi
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r "requirements/$1.lock"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
        || "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
}

case "${1:-}" in
    example)
        make_venv base
        "$VENV/bin/historiograph" run examples --out out
        ;;
    test)
        apt_install $(cat requirements/system-test.txt)
        make_venv test
        shift
        "$VENV/bin/python" -m pytest -q "$@"
        ;;
    *)
        echo "usage: ./dev.sh example | test [pytest args]" >&2; exit 2
        ;;
esac
