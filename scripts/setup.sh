#!/usr/bin/env bash
# Create .venv and install kgraph into it (editable). Usage: scripts/setup.sh [--test]
#   --test  also installs the test tools and Debian's chromium for the browser tests.
# Never installs torch: inference runs on onnxruntime (training has its own extra, see README).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extras=""
if [[ "${1:-}" == "--test" ]]; then extras="[test]"; fi

if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"

if [[ -n "$extras" && ! -x /usr/bin/chromium ]]; then
  # the HTML view is tested in a real browser; Playwright drives Debian's chromium (no download)
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
