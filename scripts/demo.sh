#!/usr/bin/env bash
# Set up kgraph and build the knowledge graph of the demo corpus in examples/ into exports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kgraph build examples/ -o exports/
.venv/bin/kgraph stats exports/ --top 5
echo "Open exports/graph.html in a browser, or query: .venv/bin/kgraph query 'SELECT ...' -g exports/"
