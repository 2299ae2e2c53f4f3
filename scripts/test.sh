#!/usr/bin/env bash
# Install kgraph with its test tools (and chromium), check lint and types, then run the tests.
#   bash scripts/test.sh                  the whole suite (what CI runs)
#   bash scripts/test.sh -m "not slow"    the fast lane (no browser, no end-to-end builds)
# Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check kgraph
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
