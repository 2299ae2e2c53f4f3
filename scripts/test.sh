#!/usr/bin/env bash
# Install kgraph with its test tools (and chromium), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/python -m pytest "$@"
