#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs the whole suite.
# Used as-is by the README's quick start and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the browser tests (Debian's package; Playwright never downloads one).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# A regular (non-editable) install: the tests also check that the installed package finds its files.
.venv/bin/python -m pip install --quiet ".[test]"
REQUIRE_BROWSER="${REQUIRE_BROWSER:-1}" .venv/bin/python -m pytest "$@"
